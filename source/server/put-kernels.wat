;; The per-record work of a PutRecords body read in place (put-records-json.ts) that JavaScript does
;; a byte or a word at a time and WebAssembly's 128-bit SIMD does 16 bytes, or four records, at a time:
;; decoding the records' base64 blobs, and the MD5 of their partition keys. Assembled by `npm run generate:kernels` into put-kernels.generated.ts;
;; put-kernels.ts loads it and owns the memory layout (every address here is a parameter).
;;
;; What they compute, JavaScript computes too, and stays the reference (and the path where WebAssembly is
;; missing): base64.ts's decodeBase64Into (the standard alphabet, a length that is a multiple of 4, `=`
;; padding only in the last group, and no bits left over after the last byte) and hash-key.ts's MD5.
(module
  ;; 4 MiB, enough for a body of 2 MiB, more than a put of 500 records of 2 KiB; put-kernels.ts
  ;; leaves larger bodies to JavaScript. The memory never grows: growing it detaches its old ArrayBuffer,
  ;; and once any ArrayBuffer has been detached V8's optimized code checks for it on every typed array
  ;; and DataView access in the process, which made serve's put 4% slower than without this module,
  ;; where it is otherwise faster. Pages are only resident once used.
  (memory (export "memory") 64)

  ;; Bytes 0..4095: the four tables of base64.ts's SEXTETS (256 little-endian i32 each, for a
  ;; character's 6 bits at its place in a group of four; negative for anything outside the alphabet),
  ;; written by put-kernels.ts at load. Used for the groups the 16-byte loop leaves.
  (func $sextets (param $group i32) (result i32)
    (i32.or
      (i32.or
        (i32.load (i32.shl (i32.load8_u (local.get $group)) (i32.const 2)))
        (i32.load offset=1024 (i32.shl (i32.load8_u offset=1 (local.get $group)) (i32.const 2))))
      (i32.or
        (i32.load offset=2048 (i32.shl (i32.load8_u offset=2 (local.get $group)) (i32.const 2)))
        (i32.load offset=3072 (i32.shl (i32.load8_u offset=3 (local.get $group)) (i32.const 2))))))

  ;; The three bytes of a group's 24 bits, first byte highest.
  (func $store3 (param $at i32) (param $bits i32)
    (i32.store8 (local.get $at) (i32.shr_u (local.get $bits) (i32.const 16)))
    (i32.store8 offset=1 (local.get $at) (i32.shr_u (local.get $bits) (i32.const 8)))
    (i32.store8 offset=2 (local.get $at) (local.get $bits)))

  ;; The base64 text from $start to $end decoded at $out; returns the end of the bytes written, or -1
  ;; if the text is not strict base64. It may write up to 4 bytes past what it returns.
  (func $decodeOne (param $start i32) (param $end i32) (param $out i32) (result i32)
    (local $last i32) (local $in v128) (local $high_nibbles v128) (local $values v128)
    (local $refused v128) (local $bad i32) (local $bits i32) (local $high i32)
    (local $third i32) (local $fourth i32)
    (if (i32.and (i32.sub (local.get $end) (local.get $start)) (i32.const 3))
      (then (return (i32.const -1))))
    (if (i32.eq (local.get $start) (local.get $end)) (then (return (local.get $out))))
    ;; Only the last group may be padded: everything before it is whole groups of alphabet characters.
    (local.set $last (i32.sub (local.get $end) (i32.const 4)))

    ;; 16 characters (four groups) at a time, the method of Muła and Lemire ("Faster Base64 Encoding and
    ;; Decoding Using AVX2 Instructions", 2018): a character is in the alphabet when the table looked up
    ;; by its low nibble and the one looked up by its high nibble share no bit; the difference between a
    ;; character and its 6-bit value depends only on its high nibble, save for `/`.
    (block $blocks_done
      (loop $blocks
        (br_if $blocks_done
          (i32.gt_u (i32.add (local.get $start) (i32.const 16)) (local.get $last)))
        (local.set $in (v128.load (local.get $start)))
        (local.set $high_nibbles (i8x16.shr_u (local.get $in) (i32.const 4)))
        (local.set $refused
          (v128.or (local.get $refused)
            (v128.and
              (i8x16.swizzle
                (v128.const i8x16 0x15 0x11 0x11 0x11 0x11 0x11 0x11 0x11
                                  0x11 0x11 0x13 0x1a 0x1b 0x1b 0x1b 0x1a)
                (v128.and (local.get $in) (v128.const i8x16 15 15 15 15 15 15 15 15
                                                            15 15 15 15 15 15 15 15)))
              (i8x16.swizzle
                (v128.const i8x16 0x10 0x10 0x01 0x02 0x04 0x08 0x04 0x08
                                  0x10 0x10 0x10 0x10 0x10 0x10 0x10 0x10)
                (local.get $high_nibbles)))))
        ;; Each character's 6-bit value: `/` (0x2f) shares its high nibble with `+` (0x2b) but not its
        ;; offset, so its index is moved down by one (the comparison's -1) to an entry of its own.
        (local.set $values
          (i8x16.add (local.get $in)
            (i8x16.swizzle
              (v128.const i8x16 0 16 19 4 -65 -65 -71 -71 0 0 0 0 0 0 0 0)
              (i8x16.add (local.get $high_nibbles)
                (i8x16.eq (local.get $in) (v128.const i8x16 47 47 47 47 47 47 47 47
                                                            47 47 47 47 47 47 47 47))))))
        ;; Values a, b, c, d of a group: a·64 + b in each 16-bit lane, then (a·64 + b)·4096 + c·64 + d
        ;; in each 32-bit lane (dot is a multiply-add of lane pairs), whose three low bytes, highest
        ;; first, are the group's bytes.
        (local.set $values
          (v128.or
            (i16x8.shl
              (v128.and (local.get $values) (v128.const i16x8 0xff 0xff 0xff 0xff 0xff 0xff 0xff 0xff))
              (i32.const 6))
            (i16x8.shr_u (local.get $values) (i32.const 8))))
        (local.set $values
          (i32x4.dot_i16x8_s (local.get $values)
            (v128.const i16x8 0x1000 1 0x1000 1 0x1000 1 0x1000 1)))
        ;; 12 bytes and 4 zeros, which the next group's bytes replace (or the caller's slack takes).
        (v128.store (local.get $out)
          (i8x16.swizzle (local.get $values)
            (v128.const i8x16 2 1 0 6 5 4 10 9 8 14 13 12 16 16 16 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 12)))
        (local.set $start (i32.add (local.get $start) (i32.const 16)))
        (br $blocks)))
    (local.set $bad (v128.any_true (local.get $refused)))

    ;; Up to three whole groups before the last, through the tables.
    (block $groups_done
      (loop $groups
        (br_if $groups_done (i32.ge_u (local.get $start) (local.get $last)))
        (local.set $bits (call $sextets (local.get $start)))
        (local.set $bad (i32.or (local.get $bad) (i32.lt_s (local.get $bits) (i32.const 0))))
        (call $store3 (local.get $out) (local.get $bits))
        (local.set $out (i32.add (local.get $out) (i32.const 3)))
        (local.set $start (i32.add (local.get $start) (i32.const 4)))
        (br $groups)))
    (if (local.get $bad) (then (return (i32.const -1))))

    ;; The last group: three bytes, or two or one under its `=` padding, whose dropped bits must be zero.
    (local.set $high
      (i32.or
        (i32.load (i32.shl (i32.load8_u (local.get $last)) (i32.const 2)))
        (i32.load offset=1024 (i32.shl (i32.load8_u offset=1 (local.get $last)) (i32.const 2)))))
    (local.set $third (i32.load8_u offset=2 (local.get $last)))
    (local.set $fourth (i32.load8_u offset=3 (local.get $last)))
    (if (i32.ne (local.get $fourth) (i32.const 61))
      (then
        (local.set $bits (call $sextets (local.get $last)))
        (if (i32.lt_s (local.get $bits) (i32.const 0)) (then (return (i32.const -1))))
        (call $store3 (local.get $out) (local.get $bits))
        (return (i32.add (local.get $out) (i32.const 3)))))
    (if (i32.eq (local.get $third) (i32.const 61))
      (then
        (if (i32.or
              (i32.lt_s (local.get $high) (i32.const 0))
              (i32.and (local.get $high) (i32.const 0xf000)))
          (then (return (i32.const -1))))
        (i32.store8 (local.get $out) (i32.shr_u (local.get $high) (i32.const 16)))
        (return (i32.add (local.get $out) (i32.const 1)))))
    (local.set $bits
      (i32.or (local.get $high)
        (i32.load offset=2048 (i32.shl (local.get $third) (i32.const 2)))))
    (if (i32.or
          (i32.lt_s (local.get $bits) (i32.const 0))
          (i32.and (local.get $bits) (i32.const 0xc0)))
      (then (return (i32.const -1))))
    (i32.store8 (local.get $out) (i32.shr_u (local.get $bits) (i32.const 16)))
    (i32.store8 offset=1 (local.get $out) (i32.shr_u (local.get $bits) (i32.const 8)))
    (i32.add (local.get $out) (i32.const 2)))

  ;; $count records of the body at $body, written one after the other from $out, each as its partition
  ;; key's bytes followed by its blob decoded: what a record's frame holds after its header, so that one
  ;; copy makes it. Record k's key is the body's bytes from keyStarts[k] to keyEnds[k], its blob the
  ;; text from starts[k] to ends[k] (u32 arrays, positions in the body). Where each record's data ends
  ;; (counted from $out) goes to the u32 array at $dataEnds. Returns -1, or the index of the first blob
  ;; that is not strict base64 (then nothing written should be read).
  (func (export "decodeBlobs")
    (param $count i32) (param $starts i32) (param $ends i32) (param $keyStarts i32)
    (param $keyEnds i32) (param $body i32) (param $out i32) (param $dataEnds i32) (result i32)
    (local $index i32) (local $at i32) (local $keyStart i32) (local $keyLength i32)
    (local.set $at (local.get $out))
    (block $done
      (loop $blobs
        (br_if $done (i32.ge_u (local.get $index) (local.get $count)))
        (local.set $keyStart (i32.load (local.get $keyStarts)))
        (local.set $keyLength (i32.sub (i32.load (local.get $keyEnds)) (local.get $keyStart)))
        (memory.copy (local.get $at)
          (i32.add (local.get $body) (local.get $keyStart)) (local.get $keyLength))
        (local.set $at (i32.add (local.get $at) (local.get $keyLength)))
        (local.set $at
          (call $decodeOne
            (i32.add (local.get $body) (i32.load (local.get $starts)))
            (i32.add (local.get $body) (i32.load (local.get $ends)))
            (local.get $at)))
        (if (i32.lt_s (local.get $at) (i32.const 0)) (then (return (local.get $index))))
        (i32.store (local.get $dataEnds) (i32.sub (local.get $at) (local.get $out)))
        (local.set $starts (i32.add (local.get $starts) (i32.const 4)))
        (local.set $ends (i32.add (local.get $ends) (i32.const 4)))
        (local.set $keyStarts (i32.add (local.get $keyStarts) (i32.const 4)))
        (local.set $keyEnds (i32.add (local.get $keyEnds) (i32.const 4)))
        (local.set $dataEnds (i32.add (local.get $dataEnds) (i32.const 4)))
        (local.set $index (i32.add (local.get $index) (i32.const 1)))
        (br $blobs)))
    (i32.const -1))

  ;; ─── MD5 of partition keys, four at a time ───────────────────────────────────────────────────

  ;; The MD5 (RFC 1321) of four one-block messages at once, one in each 32-bit lane. $block holds their
  ;; 16 words interleaved (word w of message j at $block + 16w + 4j). The digests go to $out, 16 bytes
  ;; each, as four big-endian words: the order hash-key.ts gives a hash key in.
  (func $md5Lanes (param $block i32) (param $out i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128) (local $x v128)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128)
    (local $m4 v128) (local $m5 v128) (local $m6 v128) (local $m7 v128)
    (local $m8 v128) (local $m9 v128) (local $m10 v128) (local $m11 v128)
    (local $m12 v128) (local $m13 v128) (local $m14 v128) (local $m15 v128)
    (local.set $m0 (v128.load offset=0 (local.get $block)))
    (local.set $m1 (v128.load offset=16 (local.get $block)))
    (local.set $m2 (v128.load offset=32 (local.get $block)))
    (local.set $m3 (v128.load offset=48 (local.get $block)))
    (local.set $m4 (v128.load offset=64 (local.get $block)))
    (local.set $m5 (v128.load offset=80 (local.get $block)))
    (local.set $m6 (v128.load offset=96 (local.get $block)))
    (local.set $m7 (v128.load offset=112 (local.get $block)))
    (local.set $m8 (v128.load offset=128 (local.get $block)))
    (local.set $m9 (v128.load offset=144 (local.get $block)))
    (local.set $m10 (v128.load offset=160 (local.get $block)))
    (local.set $m11 (v128.load offset=176 (local.get $block)))
    (local.set $m12 (v128.load offset=192 (local.get $block)))
    (local.set $m13 (v128.load offset=208 (local.get $block)))
    (local.set $m14 (v128.load offset=224 (local.get $block)))
    (local.set $m15 (v128.load offset=240 (local.get $block)))
    (local.set $a (v128.const i32x4 0x67452301 0x67452301 0x67452301 0x67452301))
    (local.set $b (v128.const i32x4 0xefcdab89 0xefcdab89 0xefcdab89 0xefcdab89))
    (local.set $c (v128.const i32x4 0x98badcfe 0x98badcfe 0x98badcfe 0x98badcfe))
    (local.set $d (v128.const i32x4 0x10325476 0x10325476 0x10325476 0x10325476))
    ;; The 64 steps: x = a + f(b, c, d) + K[i] + M[g(i)], a = b + (x <<< s[i]), the registers taking
    ;; turns as a, d, c, b. f is F = bitselect(c, d, b) in round 1, G = bitselect(b, c, d) in round 2,
    ;; H = b ^ c ^ d in round 3 and I = c ^ (b | ~d) in round 4; K[i] = floor(|sin(i + 1)| · 2³²).
    ;; Round 1.
    (local.set $x (i32x4.add (i32x4.add (local.get $a) (v128.bitselect (local.get $c) (local.get $d) (local.get $b)))
      (i32x4.add (v128.const i32x4 0xd76aa478 0xd76aa478 0xd76aa478 0xd76aa478) (local.get $m0))))
    (local.set $a (i32x4.add (local.get $b)
      (v128.or (i32x4.shl (local.get $x) (i32.const 7)) (i32x4.shr_u (local.get $x) (i32.const 25)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $d) (v128.bitselect (local.get $b) (local.get $c) (local.get $a)))
      (i32x4.add (v128.const i32x4 0xe8c7b756 0xe8c7b756 0xe8c7b756 0xe8c7b756) (local.get $m1))))
    (local.set $d (i32x4.add (local.get $a)
      (v128.or (i32x4.shl (local.get $x) (i32.const 12)) (i32x4.shr_u (local.get $x) (i32.const 20)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $c) (v128.bitselect (local.get $a) (local.get $b) (local.get $d)))
      (i32x4.add (v128.const i32x4 0x242070db 0x242070db 0x242070db 0x242070db) (local.get $m2))))
    (local.set $c (i32x4.add (local.get $d)
      (v128.or (i32x4.shl (local.get $x) (i32.const 17)) (i32x4.shr_u (local.get $x) (i32.const 15)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $b) (v128.bitselect (local.get $d) (local.get $a) (local.get $c)))
      (i32x4.add (v128.const i32x4 0xc1bdceee 0xc1bdceee 0xc1bdceee 0xc1bdceee) (local.get $m3))))
    (local.set $b (i32x4.add (local.get $c)
      (v128.or (i32x4.shl (local.get $x) (i32.const 22)) (i32x4.shr_u (local.get $x) (i32.const 10)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $a) (v128.bitselect (local.get $c) (local.get $d) (local.get $b)))
      (i32x4.add (v128.const i32x4 0xf57c0faf 0xf57c0faf 0xf57c0faf 0xf57c0faf) (local.get $m4))))
    (local.set $a (i32x4.add (local.get $b)
      (v128.or (i32x4.shl (local.get $x) (i32.const 7)) (i32x4.shr_u (local.get $x) (i32.const 25)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $d) (v128.bitselect (local.get $b) (local.get $c) (local.get $a)))
      (i32x4.add (v128.const i32x4 0x4787c62a 0x4787c62a 0x4787c62a 0x4787c62a) (local.get $m5))))
    (local.set $d (i32x4.add (local.get $a)
      (v128.or (i32x4.shl (local.get $x) (i32.const 12)) (i32x4.shr_u (local.get $x) (i32.const 20)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $c) (v128.bitselect (local.get $a) (local.get $b) (local.get $d)))
      (i32x4.add (v128.const i32x4 0xa8304613 0xa8304613 0xa8304613 0xa8304613) (local.get $m6))))
    (local.set $c (i32x4.add (local.get $d)
      (v128.or (i32x4.shl (local.get $x) (i32.const 17)) (i32x4.shr_u (local.get $x) (i32.const 15)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $b) (v128.bitselect (local.get $d) (local.get $a) (local.get $c)))
      (i32x4.add (v128.const i32x4 0xfd469501 0xfd469501 0xfd469501 0xfd469501) (local.get $m7))))
    (local.set $b (i32x4.add (local.get $c)
      (v128.or (i32x4.shl (local.get $x) (i32.const 22)) (i32x4.shr_u (local.get $x) (i32.const 10)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $a) (v128.bitselect (local.get $c) (local.get $d) (local.get $b)))
      (i32x4.add (v128.const i32x4 0x698098d8 0x698098d8 0x698098d8 0x698098d8) (local.get $m8))))
    (local.set $a (i32x4.add (local.get $b)
      (v128.or (i32x4.shl (local.get $x) (i32.const 7)) (i32x4.shr_u (local.get $x) (i32.const 25)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $d) (v128.bitselect (local.get $b) (local.get $c) (local.get $a)))
      (i32x4.add (v128.const i32x4 0x8b44f7af 0x8b44f7af 0x8b44f7af 0x8b44f7af) (local.get $m9))))
    (local.set $d (i32x4.add (local.get $a)
      (v128.or (i32x4.shl (local.get $x) (i32.const 12)) (i32x4.shr_u (local.get $x) (i32.const 20)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $c) (v128.bitselect (local.get $a) (local.get $b) (local.get $d)))
      (i32x4.add (v128.const i32x4 0xffff5bb1 0xffff5bb1 0xffff5bb1 0xffff5bb1) (local.get $m10))))
    (local.set $c (i32x4.add (local.get $d)
      (v128.or (i32x4.shl (local.get $x) (i32.const 17)) (i32x4.shr_u (local.get $x) (i32.const 15)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $b) (v128.bitselect (local.get $d) (local.get $a) (local.get $c)))
      (i32x4.add (v128.const i32x4 0x895cd7be 0x895cd7be 0x895cd7be 0x895cd7be) (local.get $m11))))
    (local.set $b (i32x4.add (local.get $c)
      (v128.or (i32x4.shl (local.get $x) (i32.const 22)) (i32x4.shr_u (local.get $x) (i32.const 10)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $a) (v128.bitselect (local.get $c) (local.get $d) (local.get $b)))
      (i32x4.add (v128.const i32x4 0x6b901122 0x6b901122 0x6b901122 0x6b901122) (local.get $m12))))
    (local.set $a (i32x4.add (local.get $b)
      (v128.or (i32x4.shl (local.get $x) (i32.const 7)) (i32x4.shr_u (local.get $x) (i32.const 25)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $d) (v128.bitselect (local.get $b) (local.get $c) (local.get $a)))
      (i32x4.add (v128.const i32x4 0xfd987193 0xfd987193 0xfd987193 0xfd987193) (local.get $m13))))
    (local.set $d (i32x4.add (local.get $a)
      (v128.or (i32x4.shl (local.get $x) (i32.const 12)) (i32x4.shr_u (local.get $x) (i32.const 20)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $c) (v128.bitselect (local.get $a) (local.get $b) (local.get $d)))
      (i32x4.add (v128.const i32x4 0xa679438e 0xa679438e 0xa679438e 0xa679438e) (local.get $m14))))
    (local.set $c (i32x4.add (local.get $d)
      (v128.or (i32x4.shl (local.get $x) (i32.const 17)) (i32x4.shr_u (local.get $x) (i32.const 15)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $b) (v128.bitselect (local.get $d) (local.get $a) (local.get $c)))
      (i32x4.add (v128.const i32x4 0x49b40821 0x49b40821 0x49b40821 0x49b40821) (local.get $m15))))
    (local.set $b (i32x4.add (local.get $c)
      (v128.or (i32x4.shl (local.get $x) (i32.const 22)) (i32x4.shr_u (local.get $x) (i32.const 10)))))
    ;; Round 2.
    (local.set $x (i32x4.add (i32x4.add (local.get $a) (v128.bitselect (local.get $b) (local.get $c) (local.get $d)))
      (i32x4.add (v128.const i32x4 0xf61e2562 0xf61e2562 0xf61e2562 0xf61e2562) (local.get $m1))))
    (local.set $a (i32x4.add (local.get $b)
      (v128.or (i32x4.shl (local.get $x) (i32.const 5)) (i32x4.shr_u (local.get $x) (i32.const 27)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $d) (v128.bitselect (local.get $a) (local.get $b) (local.get $c)))
      (i32x4.add (v128.const i32x4 0xc040b340 0xc040b340 0xc040b340 0xc040b340) (local.get $m6))))
    (local.set $d (i32x4.add (local.get $a)
      (v128.or (i32x4.shl (local.get $x) (i32.const 9)) (i32x4.shr_u (local.get $x) (i32.const 23)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $c) (v128.bitselect (local.get $d) (local.get $a) (local.get $b)))
      (i32x4.add (v128.const i32x4 0x265e5a51 0x265e5a51 0x265e5a51 0x265e5a51) (local.get $m11))))
    (local.set $c (i32x4.add (local.get $d)
      (v128.or (i32x4.shl (local.get $x) (i32.const 14)) (i32x4.shr_u (local.get $x) (i32.const 18)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $b) (v128.bitselect (local.get $c) (local.get $d) (local.get $a)))
      (i32x4.add (v128.const i32x4 0xe9b6c7aa 0xe9b6c7aa 0xe9b6c7aa 0xe9b6c7aa) (local.get $m0))))
    (local.set $b (i32x4.add (local.get $c)
      (v128.or (i32x4.shl (local.get $x) (i32.const 20)) (i32x4.shr_u (local.get $x) (i32.const 12)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $a) (v128.bitselect (local.get $b) (local.get $c) (local.get $d)))
      (i32x4.add (v128.const i32x4 0xd62f105d 0xd62f105d 0xd62f105d 0xd62f105d) (local.get $m5))))
    (local.set $a (i32x4.add (local.get $b)
      (v128.or (i32x4.shl (local.get $x) (i32.const 5)) (i32x4.shr_u (local.get $x) (i32.const 27)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $d) (v128.bitselect (local.get $a) (local.get $b) (local.get $c)))
      (i32x4.add (v128.const i32x4 0x02441453 0x02441453 0x02441453 0x02441453) (local.get $m10))))
    (local.set $d (i32x4.add (local.get $a)
      (v128.or (i32x4.shl (local.get $x) (i32.const 9)) (i32x4.shr_u (local.get $x) (i32.const 23)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $c) (v128.bitselect (local.get $d) (local.get $a) (local.get $b)))
      (i32x4.add (v128.const i32x4 0xd8a1e681 0xd8a1e681 0xd8a1e681 0xd8a1e681) (local.get $m15))))
    (local.set $c (i32x4.add (local.get $d)
      (v128.or (i32x4.shl (local.get $x) (i32.const 14)) (i32x4.shr_u (local.get $x) (i32.const 18)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $b) (v128.bitselect (local.get $c) (local.get $d) (local.get $a)))
      (i32x4.add (v128.const i32x4 0xe7d3fbc8 0xe7d3fbc8 0xe7d3fbc8 0xe7d3fbc8) (local.get $m4))))
    (local.set $b (i32x4.add (local.get $c)
      (v128.or (i32x4.shl (local.get $x) (i32.const 20)) (i32x4.shr_u (local.get $x) (i32.const 12)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $a) (v128.bitselect (local.get $b) (local.get $c) (local.get $d)))
      (i32x4.add (v128.const i32x4 0x21e1cde6 0x21e1cde6 0x21e1cde6 0x21e1cde6) (local.get $m9))))
    (local.set $a (i32x4.add (local.get $b)
      (v128.or (i32x4.shl (local.get $x) (i32.const 5)) (i32x4.shr_u (local.get $x) (i32.const 27)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $d) (v128.bitselect (local.get $a) (local.get $b) (local.get $c)))
      (i32x4.add (v128.const i32x4 0xc33707d6 0xc33707d6 0xc33707d6 0xc33707d6) (local.get $m14))))
    (local.set $d (i32x4.add (local.get $a)
      (v128.or (i32x4.shl (local.get $x) (i32.const 9)) (i32x4.shr_u (local.get $x) (i32.const 23)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $c) (v128.bitselect (local.get $d) (local.get $a) (local.get $b)))
      (i32x4.add (v128.const i32x4 0xf4d50d87 0xf4d50d87 0xf4d50d87 0xf4d50d87) (local.get $m3))))
    (local.set $c (i32x4.add (local.get $d)
      (v128.or (i32x4.shl (local.get $x) (i32.const 14)) (i32x4.shr_u (local.get $x) (i32.const 18)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $b) (v128.bitselect (local.get $c) (local.get $d) (local.get $a)))
      (i32x4.add (v128.const i32x4 0x455a14ed 0x455a14ed 0x455a14ed 0x455a14ed) (local.get $m8))))
    (local.set $b (i32x4.add (local.get $c)
      (v128.or (i32x4.shl (local.get $x) (i32.const 20)) (i32x4.shr_u (local.get $x) (i32.const 12)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $a) (v128.bitselect (local.get $b) (local.get $c) (local.get $d)))
      (i32x4.add (v128.const i32x4 0xa9e3e905 0xa9e3e905 0xa9e3e905 0xa9e3e905) (local.get $m13))))
    (local.set $a (i32x4.add (local.get $b)
      (v128.or (i32x4.shl (local.get $x) (i32.const 5)) (i32x4.shr_u (local.get $x) (i32.const 27)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $d) (v128.bitselect (local.get $a) (local.get $b) (local.get $c)))
      (i32x4.add (v128.const i32x4 0xfcefa3f8 0xfcefa3f8 0xfcefa3f8 0xfcefa3f8) (local.get $m2))))
    (local.set $d (i32x4.add (local.get $a)
      (v128.or (i32x4.shl (local.get $x) (i32.const 9)) (i32x4.shr_u (local.get $x) (i32.const 23)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $c) (v128.bitselect (local.get $d) (local.get $a) (local.get $b)))
      (i32x4.add (v128.const i32x4 0x676f02d9 0x676f02d9 0x676f02d9 0x676f02d9) (local.get $m7))))
    (local.set $c (i32x4.add (local.get $d)
      (v128.or (i32x4.shl (local.get $x) (i32.const 14)) (i32x4.shr_u (local.get $x) (i32.const 18)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $b) (v128.bitselect (local.get $c) (local.get $d) (local.get $a)))
      (i32x4.add (v128.const i32x4 0x8d2a4c8a 0x8d2a4c8a 0x8d2a4c8a 0x8d2a4c8a) (local.get $m12))))
    (local.set $b (i32x4.add (local.get $c)
      (v128.or (i32x4.shl (local.get $x) (i32.const 20)) (i32x4.shr_u (local.get $x) (i32.const 12)))))
    ;; Round 3.
    (local.set $x (i32x4.add (i32x4.add (local.get $a) (v128.xor (v128.xor (local.get $b) (local.get $c)) (local.get $d)))
      (i32x4.add (v128.const i32x4 0xfffa3942 0xfffa3942 0xfffa3942 0xfffa3942) (local.get $m5))))
    (local.set $a (i32x4.add (local.get $b)
      (v128.or (i32x4.shl (local.get $x) (i32.const 4)) (i32x4.shr_u (local.get $x) (i32.const 28)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $d) (v128.xor (v128.xor (local.get $a) (local.get $b)) (local.get $c)))
      (i32x4.add (v128.const i32x4 0x8771f681 0x8771f681 0x8771f681 0x8771f681) (local.get $m8))))
    (local.set $d (i32x4.add (local.get $a)
      (v128.or (i32x4.shl (local.get $x) (i32.const 11)) (i32x4.shr_u (local.get $x) (i32.const 21)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $c) (v128.xor (v128.xor (local.get $d) (local.get $a)) (local.get $b)))
      (i32x4.add (v128.const i32x4 0x6d9d6122 0x6d9d6122 0x6d9d6122 0x6d9d6122) (local.get $m11))))
    (local.set $c (i32x4.add (local.get $d)
      (v128.or (i32x4.shl (local.get $x) (i32.const 16)) (i32x4.shr_u (local.get $x) (i32.const 16)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $b) (v128.xor (v128.xor (local.get $c) (local.get $d)) (local.get $a)))
      (i32x4.add (v128.const i32x4 0xfde5380c 0xfde5380c 0xfde5380c 0xfde5380c) (local.get $m14))))
    (local.set $b (i32x4.add (local.get $c)
      (v128.or (i32x4.shl (local.get $x) (i32.const 23)) (i32x4.shr_u (local.get $x) (i32.const 9)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $a) (v128.xor (v128.xor (local.get $b) (local.get $c)) (local.get $d)))
      (i32x4.add (v128.const i32x4 0xa4beea44 0xa4beea44 0xa4beea44 0xa4beea44) (local.get $m1))))
    (local.set $a (i32x4.add (local.get $b)
      (v128.or (i32x4.shl (local.get $x) (i32.const 4)) (i32x4.shr_u (local.get $x) (i32.const 28)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $d) (v128.xor (v128.xor (local.get $a) (local.get $b)) (local.get $c)))
      (i32x4.add (v128.const i32x4 0x4bdecfa9 0x4bdecfa9 0x4bdecfa9 0x4bdecfa9) (local.get $m4))))
    (local.set $d (i32x4.add (local.get $a)
      (v128.or (i32x4.shl (local.get $x) (i32.const 11)) (i32x4.shr_u (local.get $x) (i32.const 21)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $c) (v128.xor (v128.xor (local.get $d) (local.get $a)) (local.get $b)))
      (i32x4.add (v128.const i32x4 0xf6bb4b60 0xf6bb4b60 0xf6bb4b60 0xf6bb4b60) (local.get $m7))))
    (local.set $c (i32x4.add (local.get $d)
      (v128.or (i32x4.shl (local.get $x) (i32.const 16)) (i32x4.shr_u (local.get $x) (i32.const 16)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $b) (v128.xor (v128.xor (local.get $c) (local.get $d)) (local.get $a)))
      (i32x4.add (v128.const i32x4 0xbebfbc70 0xbebfbc70 0xbebfbc70 0xbebfbc70) (local.get $m10))))
    (local.set $b (i32x4.add (local.get $c)
      (v128.or (i32x4.shl (local.get $x) (i32.const 23)) (i32x4.shr_u (local.get $x) (i32.const 9)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $a) (v128.xor (v128.xor (local.get $b) (local.get $c)) (local.get $d)))
      (i32x4.add (v128.const i32x4 0x289b7ec6 0x289b7ec6 0x289b7ec6 0x289b7ec6) (local.get $m13))))
    (local.set $a (i32x4.add (local.get $b)
      (v128.or (i32x4.shl (local.get $x) (i32.const 4)) (i32x4.shr_u (local.get $x) (i32.const 28)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $d) (v128.xor (v128.xor (local.get $a) (local.get $b)) (local.get $c)))
      (i32x4.add (v128.const i32x4 0xeaa127fa 0xeaa127fa 0xeaa127fa 0xeaa127fa) (local.get $m0))))
    (local.set $d (i32x4.add (local.get $a)
      (v128.or (i32x4.shl (local.get $x) (i32.const 11)) (i32x4.shr_u (local.get $x) (i32.const 21)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $c) (v128.xor (v128.xor (local.get $d) (local.get $a)) (local.get $b)))
      (i32x4.add (v128.const i32x4 0xd4ef3085 0xd4ef3085 0xd4ef3085 0xd4ef3085) (local.get $m3))))
    (local.set $c (i32x4.add (local.get $d)
      (v128.or (i32x4.shl (local.get $x) (i32.const 16)) (i32x4.shr_u (local.get $x) (i32.const 16)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $b) (v128.xor (v128.xor (local.get $c) (local.get $d)) (local.get $a)))
      (i32x4.add (v128.const i32x4 0x04881d05 0x04881d05 0x04881d05 0x04881d05) (local.get $m6))))
    (local.set $b (i32x4.add (local.get $c)
      (v128.or (i32x4.shl (local.get $x) (i32.const 23)) (i32x4.shr_u (local.get $x) (i32.const 9)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $a) (v128.xor (v128.xor (local.get $b) (local.get $c)) (local.get $d)))
      (i32x4.add (v128.const i32x4 0xd9d4d039 0xd9d4d039 0xd9d4d039 0xd9d4d039) (local.get $m9))))
    (local.set $a (i32x4.add (local.get $b)
      (v128.or (i32x4.shl (local.get $x) (i32.const 4)) (i32x4.shr_u (local.get $x) (i32.const 28)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $d) (v128.xor (v128.xor (local.get $a) (local.get $b)) (local.get $c)))
      (i32x4.add (v128.const i32x4 0xe6db99e5 0xe6db99e5 0xe6db99e5 0xe6db99e5) (local.get $m12))))
    (local.set $d (i32x4.add (local.get $a)
      (v128.or (i32x4.shl (local.get $x) (i32.const 11)) (i32x4.shr_u (local.get $x) (i32.const 21)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $c) (v128.xor (v128.xor (local.get $d) (local.get $a)) (local.get $b)))
      (i32x4.add (v128.const i32x4 0x1fa27cf8 0x1fa27cf8 0x1fa27cf8 0x1fa27cf8) (local.get $m15))))
    (local.set $c (i32x4.add (local.get $d)
      (v128.or (i32x4.shl (local.get $x) (i32.const 16)) (i32x4.shr_u (local.get $x) (i32.const 16)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $b) (v128.xor (v128.xor (local.get $c) (local.get $d)) (local.get $a)))
      (i32x4.add (v128.const i32x4 0xc4ac5665 0xc4ac5665 0xc4ac5665 0xc4ac5665) (local.get $m2))))
    (local.set $b (i32x4.add (local.get $c)
      (v128.or (i32x4.shl (local.get $x) (i32.const 23)) (i32x4.shr_u (local.get $x) (i32.const 9)))))
    ;; Round 4.
    (local.set $x (i32x4.add (i32x4.add (local.get $a) (v128.xor (local.get $c) (v128.or (local.get $b) (v128.not (local.get $d)))))
      (i32x4.add (v128.const i32x4 0xf4292244 0xf4292244 0xf4292244 0xf4292244) (local.get $m0))))
    (local.set $a (i32x4.add (local.get $b)
      (v128.or (i32x4.shl (local.get $x) (i32.const 6)) (i32x4.shr_u (local.get $x) (i32.const 26)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $d) (v128.xor (local.get $b) (v128.or (local.get $a) (v128.not (local.get $c)))))
      (i32x4.add (v128.const i32x4 0x432aff97 0x432aff97 0x432aff97 0x432aff97) (local.get $m7))))
    (local.set $d (i32x4.add (local.get $a)
      (v128.or (i32x4.shl (local.get $x) (i32.const 10)) (i32x4.shr_u (local.get $x) (i32.const 22)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $c) (v128.xor (local.get $a) (v128.or (local.get $d) (v128.not (local.get $b)))))
      (i32x4.add (v128.const i32x4 0xab9423a7 0xab9423a7 0xab9423a7 0xab9423a7) (local.get $m14))))
    (local.set $c (i32x4.add (local.get $d)
      (v128.or (i32x4.shl (local.get $x) (i32.const 15)) (i32x4.shr_u (local.get $x) (i32.const 17)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $b) (v128.xor (local.get $d) (v128.or (local.get $c) (v128.not (local.get $a)))))
      (i32x4.add (v128.const i32x4 0xfc93a039 0xfc93a039 0xfc93a039 0xfc93a039) (local.get $m5))))
    (local.set $b (i32x4.add (local.get $c)
      (v128.or (i32x4.shl (local.get $x) (i32.const 21)) (i32x4.shr_u (local.get $x) (i32.const 11)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $a) (v128.xor (local.get $c) (v128.or (local.get $b) (v128.not (local.get $d)))))
      (i32x4.add (v128.const i32x4 0x655b59c3 0x655b59c3 0x655b59c3 0x655b59c3) (local.get $m12))))
    (local.set $a (i32x4.add (local.get $b)
      (v128.or (i32x4.shl (local.get $x) (i32.const 6)) (i32x4.shr_u (local.get $x) (i32.const 26)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $d) (v128.xor (local.get $b) (v128.or (local.get $a) (v128.not (local.get $c)))))
      (i32x4.add (v128.const i32x4 0x8f0ccc92 0x8f0ccc92 0x8f0ccc92 0x8f0ccc92) (local.get $m3))))
    (local.set $d (i32x4.add (local.get $a)
      (v128.or (i32x4.shl (local.get $x) (i32.const 10)) (i32x4.shr_u (local.get $x) (i32.const 22)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $c) (v128.xor (local.get $a) (v128.or (local.get $d) (v128.not (local.get $b)))))
      (i32x4.add (v128.const i32x4 0xffeff47d 0xffeff47d 0xffeff47d 0xffeff47d) (local.get $m10))))
    (local.set $c (i32x4.add (local.get $d)
      (v128.or (i32x4.shl (local.get $x) (i32.const 15)) (i32x4.shr_u (local.get $x) (i32.const 17)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $b) (v128.xor (local.get $d) (v128.or (local.get $c) (v128.not (local.get $a)))))
      (i32x4.add (v128.const i32x4 0x85845dd1 0x85845dd1 0x85845dd1 0x85845dd1) (local.get $m1))))
    (local.set $b (i32x4.add (local.get $c)
      (v128.or (i32x4.shl (local.get $x) (i32.const 21)) (i32x4.shr_u (local.get $x) (i32.const 11)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $a) (v128.xor (local.get $c) (v128.or (local.get $b) (v128.not (local.get $d)))))
      (i32x4.add (v128.const i32x4 0x6fa87e4f 0x6fa87e4f 0x6fa87e4f 0x6fa87e4f) (local.get $m8))))
    (local.set $a (i32x4.add (local.get $b)
      (v128.or (i32x4.shl (local.get $x) (i32.const 6)) (i32x4.shr_u (local.get $x) (i32.const 26)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $d) (v128.xor (local.get $b) (v128.or (local.get $a) (v128.not (local.get $c)))))
      (i32x4.add (v128.const i32x4 0xfe2ce6e0 0xfe2ce6e0 0xfe2ce6e0 0xfe2ce6e0) (local.get $m15))))
    (local.set $d (i32x4.add (local.get $a)
      (v128.or (i32x4.shl (local.get $x) (i32.const 10)) (i32x4.shr_u (local.get $x) (i32.const 22)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $c) (v128.xor (local.get $a) (v128.or (local.get $d) (v128.not (local.get $b)))))
      (i32x4.add (v128.const i32x4 0xa3014314 0xa3014314 0xa3014314 0xa3014314) (local.get $m6))))
    (local.set $c (i32x4.add (local.get $d)
      (v128.or (i32x4.shl (local.get $x) (i32.const 15)) (i32x4.shr_u (local.get $x) (i32.const 17)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $b) (v128.xor (local.get $d) (v128.or (local.get $c) (v128.not (local.get $a)))))
      (i32x4.add (v128.const i32x4 0x4e0811a1 0x4e0811a1 0x4e0811a1 0x4e0811a1) (local.get $m13))))
    (local.set $b (i32x4.add (local.get $c)
      (v128.or (i32x4.shl (local.get $x) (i32.const 21)) (i32x4.shr_u (local.get $x) (i32.const 11)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $a) (v128.xor (local.get $c) (v128.or (local.get $b) (v128.not (local.get $d)))))
      (i32x4.add (v128.const i32x4 0xf7537e82 0xf7537e82 0xf7537e82 0xf7537e82) (local.get $m4))))
    (local.set $a (i32x4.add (local.get $b)
      (v128.or (i32x4.shl (local.get $x) (i32.const 6)) (i32x4.shr_u (local.get $x) (i32.const 26)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $d) (v128.xor (local.get $b) (v128.or (local.get $a) (v128.not (local.get $c)))))
      (i32x4.add (v128.const i32x4 0xbd3af235 0xbd3af235 0xbd3af235 0xbd3af235) (local.get $m11))))
    (local.set $d (i32x4.add (local.get $a)
      (v128.or (i32x4.shl (local.get $x) (i32.const 10)) (i32x4.shr_u (local.get $x) (i32.const 22)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $c) (v128.xor (local.get $a) (v128.or (local.get $d) (v128.not (local.get $b)))))
      (i32x4.add (v128.const i32x4 0x2ad7d2bb 0x2ad7d2bb 0x2ad7d2bb 0x2ad7d2bb) (local.get $m2))))
    (local.set $c (i32x4.add (local.get $d)
      (v128.or (i32x4.shl (local.get $x) (i32.const 15)) (i32x4.shr_u (local.get $x) (i32.const 17)))))
    (local.set $x (i32x4.add (i32x4.add (local.get $b) (v128.xor (local.get $d) (v128.or (local.get $c) (v128.not (local.get $a)))))
      (i32x4.add (v128.const i32x4 0xeb86d391 0xeb86d391 0xeb86d391 0xeb86d391) (local.get $m9))))
    (local.set $b (i32x4.add (local.get $c)
      (v128.or (i32x4.shl (local.get $x) (i32.const 21)) (i32x4.shr_u (local.get $x) (i32.const 11)))))
    ;; The digest: the registers plus their first values, each word's bytes swapped to big-endian.
    (local.set $x (v128.const i8x16 3 2 1 0 7 6 5 4 11 10 9 8 15 14 13 12))
    (local.set $a (i8x16.swizzle
      (i32x4.add (local.get $a) (v128.const i32x4 0x67452301 0x67452301 0x67452301 0x67452301))
      (local.get $x)))
    (local.set $b (i8x16.swizzle
      (i32x4.add (local.get $b) (v128.const i32x4 0xefcdab89 0xefcdab89 0xefcdab89 0xefcdab89))
      (local.get $x)))
    (local.set $c (i8x16.swizzle
      (i32x4.add (local.get $c) (v128.const i32x4 0x98badcfe 0x98badcfe 0x98badcfe 0x98badcfe))
      (local.get $x)))
    (local.set $d (i8x16.swizzle
      (i32x4.add (local.get $d) (v128.const i32x4 0x10325476 0x10325476 0x10325476 0x10325476))
      (local.get $x)))
    ;; Lane j of a, b, c, d is digest j: written one after the other.
    (i32.store offset=0 (local.get $out) (i32x4.extract_lane 0 (local.get $a)))
    (i32.store offset=4 (local.get $out) (i32x4.extract_lane 0 (local.get $b)))
    (i32.store offset=8 (local.get $out) (i32x4.extract_lane 0 (local.get $c)))
    (i32.store offset=12 (local.get $out) (i32x4.extract_lane 0 (local.get $d)))
    (i32.store offset=16 (local.get $out) (i32x4.extract_lane 1 (local.get $a)))
    (i32.store offset=20 (local.get $out) (i32x4.extract_lane 1 (local.get $b)))
    (i32.store offset=24 (local.get $out) (i32x4.extract_lane 1 (local.get $c)))
    (i32.store offset=28 (local.get $out) (i32x4.extract_lane 1 (local.get $d)))
    (i32.store offset=32 (local.get $out) (i32x4.extract_lane 2 (local.get $a)))
    (i32.store offset=36 (local.get $out) (i32x4.extract_lane 2 (local.get $b)))
    (i32.store offset=40 (local.get $out) (i32x4.extract_lane 2 (local.get $c)))
    (i32.store offset=44 (local.get $out) (i32x4.extract_lane 2 (local.get $d)))
    (i32.store offset=48 (local.get $out) (i32x4.extract_lane 3 (local.get $a)))
    (i32.store offset=52 (local.get $out) (i32x4.extract_lane 3 (local.get $b)))
    (i32.store offset=56 (local.get $out) (i32x4.extract_lane 3 (local.get $c)))
    (i32.store offset=60 (local.get $out) (i32x4.extract_lane 3 (local.get $d))))

  ;; Message j of the interleaved block at $block (see $md5Lanes) made from the $length bytes at $key
  ;; (at most 55: one block): the bytes, the 0x80 end marker, and the length in bits as word 14. The
  ;; block's other words must be zero. Reading a whole word at the key's end reads up to 3 bytes past
  ;; it, which the mask drops.
  (func $putMessage (param $block i32) (param $lane i32) (param $key i32) (param $length i32)
    (local $at i32) (local $word i32) (local $whole i32) (local $rest i32)
    (local.set $at (i32.add (local.get $block) (i32.shl (local.get $lane) (i32.const 2))))
    (local.set $whole (i32.shr_u (local.get $length) (i32.const 2)))
    (block $done
      (loop $words
        (br_if $done (i32.ge_u (local.get $word) (local.get $whole)))
        (i32.store
          (i32.add (local.get $at) (i32.shl (local.get $word) (i32.const 4)))
          (i32.load (i32.add (local.get $key) (i32.shl (local.get $word) (i32.const 2)))))
        (local.set $word (i32.add (local.get $word) (i32.const 1)))
        (br $words)))
    (local.set $rest (i32.shl (i32.and (local.get $length) (i32.const 3)) (i32.const 3)))
    (i32.store
      (i32.add (local.get $at) (i32.shl (local.get $whole) (i32.const 4)))
      (i32.or
        (i32.and
          (i32.load (i32.add (local.get $key) (i32.shl (local.get $whole) (i32.const 2))))
          (i32.sub (i32.shl (i32.const 1) (local.get $rest)) (i32.const 1)))
        (i32.shl (i32.const 0x80) (local.get $rest))))
    (i32.store offset=224 (local.get $at) (i32.shl (local.get $length) (i32.const 3))))

  ;; The MD5 of $count partition keys of the body at $body: key k is its bytes from starts[k] to ends[k]
  ;; (u32 arrays at $starts and $ends, positions in the body). Digest k goes to $out + 16k (room for a
  ;; multiple of four digests is needed); a key longer than 55 bytes gets a digest nobody should read,
  ;; the caller hashes it itself. $block is 256 bytes of scratch.
  (func (export "hashKeys")
    (param $count i32) (param $starts i32) (param $ends i32) (param $body i32)
    (param $out i32) (param $block i32)
    (local $index i32) (local $lane i32) (local $start i32) (local $length i32) (local $word i32)
    (block $done
      (loop $groups
        (br_if $done (i32.ge_u (local.get $index) (local.get $count)))
        (local.set $word (i32.const 0))
        (block $zeroed
          (loop $zero
            (br_if $zeroed (i32.ge_u (local.get $word) (i32.const 256)))
            (v128.store (i32.add (local.get $block) (local.get $word)) (v128.const i64x2 0 0))
            (local.set $word (i32.add (local.get $word) (i32.const 16)))
            (br $zero)))
        (local.set $lane (i32.const 0))
        (block $lanes_done
          (loop $lanes
            (br_if $lanes_done (i32.ge_u (local.get $lane) (i32.const 4)))
            (if (i32.lt_u (i32.add (local.get $index) (local.get $lane)) (local.get $count))
              (then
                (local.set $start (i32.load (local.get $starts)))
                (local.set $length (i32.sub (i32.load (local.get $ends)) (local.get $start)))
                (if (i32.le_u (local.get $length) (i32.const 55))
                  (then
                    (call $putMessage (local.get $block) (local.get $lane)
                      (i32.add (local.get $body) (local.get $start)) (local.get $length))))
                (local.set $starts (i32.add (local.get $starts) (i32.const 4)))
                (local.set $ends (i32.add (local.get $ends) (i32.const 4)))))
            (local.set $lane (i32.add (local.get $lane) (i32.const 1)))
            (br $lanes)))
        (call $md5Lanes (local.get $block) (local.get $out))
        (local.set $out (i32.add (local.get $out) (i32.const 64)))
        (local.set $index (i32.add (local.get $index) (i32.const 4)))
        (br $groups))))
)
