;; The per-record work of a PutRecords body read in place (put-records-json.ts) that JavaScript does
;; a byte or a word at a time and WebAssembly's 128-bit SIMD does 16 bytes at a time: decoding the
;; records' base64 blobs. Assembled by `npm run generate:kernels` into put-kernels.generated.ts;
;; put-kernels.ts loads it and owns the memory layout (every address here is a parameter).
;;
;; The rules are those of base64.ts's decodeBase64Into, which stays the reference (and the path where
;; WebAssembly is missing): the standard alphabet, a length that is a multiple of 4, `=` padding only in
;; the last group, and no bits left over after the last byte.
(module
;; 4 MiB, enough for a body of 2 MiB, which is more than a put of 500 records of 3 KiB; put-kernels.ts
  ;; leaves larger bodies to JavaScript. The memory never grows: growing it detaches its old ArrayBuffer,
  ;; and once any ArrayBuffer has been detached V8's optimized code checks for it on every typed array
  ;; and DataView access in the process, which made serve's put 4% slower than without this module,
  ;; where it is otherwise 9% faster. Pages are only resident once used.
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

  ;; $count blobs of the body at $body: blob k is its text from starts[k] to ends[k] (u32 arrays at
  ;; $starts and $ends, positions in the body). They are decoded one after the other from $out, and
  ;; where each ends (counted from $out) goes to the u32 array at $dataEnds. Returns -1, or the index of
  ;; the first blob that is not strict base64 (then nothing it wrote should be read).
  (func (export "decodeBlobs")
    (param $count i32) (param $starts i32) (param $ends i32) (param $body i32)
    (param $out i32) (param $dataEnds i32) (result i32)
    (local $index i32) (local $at i32)
    (local.set $at (local.get $out))
    (block $done
      (loop $blobs
        (br_if $done (i32.ge_u (local.get $index) (local.get $count)))
        (local.set $at
          (call $decodeOne
            (i32.add (local.get $body) (i32.load (local.get $starts)))
            (i32.add (local.get $body) (i32.load (local.get $ends)))
            (local.get $at)))
        (if (i32.lt_s (local.get $at) (i32.const 0)) (then (return (local.get $index))))
        (i32.store (local.get $dataEnds) (i32.sub (local.get $at) (local.get $out)))
        (local.set $starts (i32.add (local.get $starts) (i32.const 4)))
        (local.set $ends (i32.add (local.get $ends) (i32.const 4)))
        (local.set $dataEnds (i32.add (local.get $dataEnds) (i32.const 4)))
        (local.set $index (i32.add (local.get $index) (i32.const 1)))
        (br $blobs)))
    (i32.const -1))
)
