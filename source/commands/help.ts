/** The help text: every command and flag, as `kinesis-top --help` and usage errors print it. */
import {defaultDataDirectory} from '../engine/log/data-directory.js';
import {TAIL_START_SYNTAX} from '../tail/tail-start.js';

export function helpText(dataDirectory = defaultDataDirectory()) {
	return `A terminal console for Amazon Kinesis Data Streams, with a bundled local engine.

Usage
  $ kinesis-top [backend] [--demo] [--demo-rate N]     open the console (needs a terminal)
      [--tail-buffer N]                                 records a live tail keeps (default 5,000)
      [--alert-iterator-age 60s]                        highlight and ring the bell above this age
  $ kinesis-top <command> [arguments] [flags]           headless: tables, JSON and NDJSON

Commands
  streams                                   list the streams (--json: StreamDescriptionSummary objects)
  describe STREAM                           the stream and its shards, open and closed, with lineage
                                            and hash-key ranges (--json: the StreamDescription)
  create STREAM --shards N | --on-demand    create a stream
  delete STREAM                             delete a stream and its records
  put STREAM [--data TEXT]                  put one record, or one per stdin line (blank lines skipped);
      [--key K | --key-field PATH]          the key: fixed, a dotted path into each JSON line, else random
      [--explicit-hash-key H]               prints one NDJSON result per record, in input order
  tail STREAM [--from POSITION]             the records as NDJSON, from every shard, following reshards
      [--shard ID] [--no-follow]            only one shard (and its children); stop once caught up
      [--limit N]                           stop after N records
      [--to SEQUENCE | --to time:ISO8601]   end each shard at that sequence number (inclusive) or
                                            arrival time; children of a shard past it are not read
  copy SOURCE DESTINATION                   re-drive records into a stream (or firehose:NAME). SOURCE: a
                                            stream (--from, default trim-horizon; --to; --shard), a saved
                                            tail NDJSON file (a path with / or .ndjson) or - for stdin, or
                                            firehose:NAME[/PREFIX] (the local engine's delivered objects)
      [--key keep|random]                   partition keys: the source's (default) or random,
      [--key-field PATH]                    or a field of the JSON data
      [--explicit-hash-key keep|H]          keep: the source record's hash key (or its shard's start)
      [--where EXPR]                        only records matching a query expression (data.status =
                                            'failed' AND partition_key LIKE 'u-4%')
      [--rate N] [--dry-run]                at most N records/s; count what would be copied, write nothing
      [--checkpoint FILE]                   resume from (and record) what was copied: at-least-once
      [--yes]                               needed to copy a stream into itself; --read-only refuses copy
                                            Order per partition key is kept; progress on stderr, then a
                                            summary (--json: one line per record, then {"Summary"})
  query STREAM SQL [--from POSITION]        windowed SQL over the records (TUMBLE, HOP, SESSION, CUMULATE,
      [--shard ID] [--no-follow]            COUNT, SUM, TOPK, P99, …): NDJSON rows {window_start,
                                            window_end, …} as windows close; --no-follow stops once
                                            caught up and emits the open windows
  split STREAM SHARD [--at HASHKEY]         split a shard (default: at the middle of its hash-key range)
  merge STREAM SHARD ADJACENT_SHARD         merge two shards with adjoining hash-key ranges
  scale STREAM --shards N                   change the number of open shards (uniform scaling)
  metrics STREAM [--since DURATION]         the stream's CloudWatch metrics by minute over the last
      [--shard ID]                          DURATION (15m, 1h, 3h, 12h, 24h, 2d…; default 1h): records
                                            and bytes in, records read, iterator age (max), throttling;
                                            --shard: that shard's (needs enhanced monitoring); --json:
                                            [{Namespace, MetricName, Dimensions: [{Name, Value}],
                                            Statistic, Period, Datapoints: [{Timestamp, Value}]}]
  consumers STREAM                          the enhanced fan-out consumers registered on the stream,
                                            with their status (--json: AWS's Consumer objects)
  lag STREAM [--kcl-table NAME[,NAME…]]     every consumer and how far behind it is: KCL applications
      [--sample DURATION]                   (lease tables found in DynamoDB, or named) per shard with
                                            owner, checkpoint, lag, lease renewals and diagnoses, EFO
                                            consumers, Lambda mappings; leases read twice --sample apart
                                            (default 10s, 0: once); --json: NDJSON rows (see readme)
  lag STREAM --kcl-table TABLE --yes        repair one lease (conditional on its leaseCounter, logged in
      --reset-checkpoint SHARD=TARGET       audit.log): TARGET is TRIM_HORIZON, LATEST, a sequence
      | --release-lease SHARD               number or a time; --release-lease clears the owner
  firehose list                             the Firehose delivery streams (--json: an array of names)
  firehose describe NAME                    status, source, destination, buffering hints, buffer fill
                                            and last deliveries (on AWS the buffer is estimated from
                                            CloudWatch); --json: the DeliveryStreamDescription plus Buffer
  firehose put NAME [--data TEXT]           put one record, or one per stdin line (blank lines skipped,
                                            line ends not included); prints a summary (--json: one NDJSON
                                            result per record, {"RecordId"} or {"ErrorCode","ErrorMessage"})
  contexts [--json]                         the contexts: every AWS profile and the config file's own
                                            (backend, region, read-only, login); --schema prints the
                                            config file's JSON Schema
  serve                                     the engine on the network: the Kinesis API (JSON 1.1 and CBOR,
                                            HTTP/1.1 and h2c; HTTPS with --tls) for AWS SDKs, the AWS CLI,
                                            boto3 and the KCL; Firehose, CloudWatch's metric reads and
                                            DynamoDB (the KCL's lease tables, kept in DIR/dynamodb/) on the
                                            same port; GET /_health; Ctrl-C or SIGTERM stops it after
                                            answering in-flight requests

Serve (kinesis-top serve)
  --host HOST           the address to listen on (default 127.0.0.1: this machine only)
  --port N              the port (default 4567; 0 picks a free one, printed at start)
  --data-dir DIR        where the engine keeps its streams (default as for --local)
  --in-memory           keep nothing on disk
  --max-memory SIZE     memory for record data (512MiB, 2GiB, 1G; default 512MiB): in memory, the
                        oldest records of the largest streams are trimmed early beyond it (said once
                        in the log); with a data directory nothing is trimmed and it bounds the
                        cache of segments read back from disk (default there 256MiB)
  --region R            the region in ARNs (default us-east-1)
  --account-id ID       the account in ARNs and messages (default 000000000000)
  --no-limits           do not enforce the per-shard throughput limits
  --create-ms N         how long a new stream stays CREATING (default 500; 0: at once)
  --delete-ms N         … DELETING, and --update-ms N: … UPDATING while resharding (default 500)
  --verify-signatures   check SigV4 signatures against KINESIS_TOP_ACCESS_KEY_ID and
                        KINESIS_TOP_SECRET_ACCESS_KEY (or --access-key-id, --secret-access-key)
  --tls                 HTTPS (h2 and HTTP/1.1 by ALPN) on the same port as cleartext, with a
                        self-signed certificate kept in DIR/tls/ (in memory: made per run); trust it
                        with AWS_CA_BUNDLE= or NODE_EXTRA_CA_CERTS= the path printed at start
  --cert FILE --key FILE  … with your own certificate and key (PEM) instead
  --create SPEC         create at start unless it exists (repeatable): NAME[:SHARDS][:on-demand]
                        (default 1 shard), or firehose:NAME[:SOURCE_STREAM] for a delivery stream
  --faults LIST         throttle=SHARE,error=SHARE,latency=DURATION (throttle=0.05,error=0.01,
                        latency=20ms): that share of Kinesis and Firehose calls throttled or
                        InternalFailure, every call delayed; per stream at run time: POST /_faults
  --faults-seed N       draw the faults from a seeded generator: the same calls fail on every run

Tail positions (--from)
  ${TAIL_START_SYNTAX} (default latest).
  at: and after: read the shard the sequence number belongs to, and its children.

Backend (every command and the console)
  --local               the bundled Kinesis engine, in this process, or through the kinesis-top
                        process that serves the same data directory (serve, or a --local console)
    --data-dir DIR      where it keeps its streams (default ${dataDirectory})
    --in-memory         keep nothing on disk
    --max-memory SIZE   memory for record data (512MiB, 2GiB, 1G; default 512MiB): in memory, the
                        oldest records of the largest streams are trimmed early beyond it (the
                        header says so); with a data directory it bounds the segment cache instead
    --no-limits         do not enforce the per-shard throughput limits
  --endpoint URL        a Kinesis-compatible endpoint (kinesis-top serve, LocalStack, kinesalite, …);
                        also AWS_ENDPOINT_URL(_KINESIS…) or the profile's endpoint_url
    --http1, --http2    force the HTTP version (default: detected once per endpoint)
  (neither)             Amazon Kinesis in your AWS account
  --region REGION       the AWS region
  --profile NAME        the AWS profile to take credentials from
  --read-only           refuse every change: create, delete, put, split, merge, scale, firehose put
  --context NAME        open a named context (kinesis-top contexts lists them) instead of naming
                        the backend with the flags above; a production one (named prod or
                        production, or marked in the config) opens read-only, as does --profile prod
    --read-write        … unless this is given
  --retry-for DURATION  commands only: how long a failing call (endpoint refusing, not answering,
                        garbled, 5xx, throttled) is retried before the error (default 30s; 0: never).
                        A following tail or query retries for as long as it runs. Retrying and
                        recovering are each said once on stderr (retrying: … / recovered after …)

Output
  --json                streams, describe, metrics, firehose and the changes print JSON instead of tables
  --help, --version

Exit status: 0 done, 1 error (one line on stderr: error: Code: message), 2 wrong usage.

Examples
  $ kinesis-top --local create orders --shards 2
  $ seq 100 | kinesis-top --local put orders
  $ cat events.ndjson | kinesis-top --local put orders --key-field user.id
  $ kinesis-top --local tail orders --from trim-horizon --no-follow | jq -r '.Data | @base64d'
  $ kinesis-top --local query orders "SELECT partition_key, COUNT(*) AS n FROM orders
      WINDOW TUMBLING (SIZE 10 SECONDS) GROUP BY partition_key ORDER BY n DESC LIMIT 5"
  $ kinesis-top tail orders --shard 3 --from at:SEQ_A --to SEQ_B --no-follow > failed.ndjson
  $ kinesis-top copy failed.ndjson orders --checkpoint redrive.json
  $ kinesis-top --local --in-memory --demo
  $ kinesis-top serve --port 4567 &   aws kinesis list-streams --endpoint-url http://127.0.0.1:4567
`;
}
