import {KinesisClient, CreateStreamCommand, PutRecordsCommand, PutRecordCommand} from '@aws-sdk/client-kinesis';
import {spawn} from 'node:child_process';
import {randomBytes} from 'node:crypto';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED='1';
const payload = randomBytes(100);
const batches = Array.from({length: 100}, () => Array.from({length:500},()=>({PartitionKey: randomBytes(8).toString('hex'), Data: payload})));
for (const mode of ['listener','native','listener','native']) {
const child = spawn(process.execPath, ['/tmp/prof/srv.mjs', mode], {stdio:['pipe','pipe','inherit']});
const lines = []; let wake; child.stdout.on('data', d => { lines.push(String(d)); wake?.(); });
const next = async (re) => { while (true) { const m = lines.map(l => re.exec(l)).find(Boolean); if (m) { lines.length = 0; return m; } await new Promise(r => wake = r); } };
const url = (await next(/on (http:\S+) /))[1];
const c = new KinesisClient({endpoint: url, region:'us-east-1', credentials:{accessKeyId:'a',secretAccessKey:'b'}, maxAttempts:1});
await c.send(new CreateStreamCommand({StreamName:'s', ShardCount:4}));
child.stdin.write('x\n'); const base = Number((await next(/cpu (\d+)/))[1]);
let t = performance.now(); let n=0;
await Promise.all(Array.from({length:8}, async()=>{ while(n<batches.length){ await c.send(new PutRecordsCommand({StreamName:'s', Records: batches[n++]})); }}));
const wall = performance.now()-t;
child.stdin.write('x\n'); const put = Number((await next(/cpu (\d+)/))[1]) - base;
for (let i=0;i<500;i++) await c.send(new PutRecordCommand({StreamName:'s', PartitionKey:'k'+i, Data: payload}));
child.stdin.write('x\n'); const single = Number((await next(/cpu (\d+)/))[1]) - base - put;
console.log(mode, 'server CPU ms per PutRecords(500)', (put/100).toFixed(2), 'per PutRecord', (single/500).toFixed(2), 'wall rec/s', Math.round(50000/(wall/1000)));
child.kill(); c.destroy();
}
