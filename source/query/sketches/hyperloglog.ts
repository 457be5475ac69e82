/**
 * HyperLogLog (Flajolet et al. 2007) with 2^14 registers: a distinct count in 16 KiB whatever the
 * cardinality, with a standard error of 1.04/√16384 ≈ 0.81%; mergeable by taking register maxima.
 * Small counts use linear counting, as the paper's correction prescribes.
 */
import {hash53} from './hash.js';

const PRECISION = 14;
const REGISTERS = 1 << PRECISION;
const ALPHA = 0.7213 / (1 + 1.079 / REGISTERS);
/** The bits of the 53-bit hash left after the register index. */
const REST_BITS = 53 - PRECISION;

export const HLL_STANDARD_ERROR = 1.04 / Math.sqrt(REGISTERS);

export class HyperLogLog {
	readonly registers = new Uint8Array(REGISTERS);

	add(key: string) {
		const hash = hash53(key);
		const index = hash % REGISTERS;
		let rest = Math.floor(hash / REGISTERS);
		// The rank: 1 + the number of leading zeros of `rest` as a REST_BITS-bit number.
		let rank = REST_BITS + 1;
		if (rest > 0) {
			let bits = 0;
			while (rest > 0) {
				rest = Math.floor(rest / 2);
				bits++;
			}

			rank = REST_BITS - bits + 1;
		}

		if (rank > this.registers[index]) this.registers[index] = rank;
	}

	merge(other: HyperLogLog) {
		for (let i = 0; i < REGISTERS; i++) {
			if (other.registers[i] > this.registers[i]) this.registers[i] = other.registers[i];
		}
	}

	count(): number {
		let sum = 0;
		let zeros = 0;
		for (let i = 0; i < REGISTERS; i++) {
			sum += 2 ** -this.registers[i];
			if (this.registers[i] === 0) zeros++;
		}

		const estimate = (ALPHA * REGISTERS * REGISTERS) / sum;
		if (estimate <= 2.5 * REGISTERS && zeros > 0) {
			return Math.round(REGISTERS * Math.log(REGISTERS / zeros));
		}

		return Math.round(estimate);
	}
}
