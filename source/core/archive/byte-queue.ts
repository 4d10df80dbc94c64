/**
 * The unread bytes of a stream, kept as the chunks they came in. Reading a
 * range that lies inside one chunk returns a view of it (no copy); only a
 * range that spans chunks is copied, once.
 */
export class ByteQueue {
	private chunks: Array<Buffer | undefined> = [];
	private first = 0;
	private offset = 0;
	private size = 0;

	/** How many bytes are waiting. */
	get length(): number {
		return this.size;
	}

	push(chunk: Buffer): void {
		if (chunk.length === 0) return;
		if (this.first > 64 && this.first * 2 > this.chunks.length) {
			this.chunks = this.chunks.slice(this.first);
			this.first = 0;
		}

		this.chunks.push(chunk);
		this.size += chunk.length;
	}

	/** The little-endian int32 at the front; needs length >= 4. */
	peekInt32(): number {
		const head = this.chunks[this.first]!;
		if (head.length - this.offset >= 4) return head.readInt32LE(this.offset);
		return this.copy(4).readInt32LE(0);
	}

	/** Takes `count` bytes from the front; needs length >= count. */
	take(count: number): Buffer {
		const head = this.chunks[this.first]!;
		const available = head.length - this.offset;
		if (available >= count) {
			const view = head.subarray(this.offset, this.offset + count);
			this.advance(count);
			return view;
		}

		const copy = this.copy(count);
		this.advance(count);
		return copy;
	}

	/** Drops `count` bytes from the front; needs length >= count. */
	skip(count: number): void {
		this.advance(count);
	}

	private copy(count: number): Buffer {
		const result = Buffer.allocUnsafe(count);
		let filled = 0;
		let index = this.first;
		let offset = this.offset;
		while (filled < count) {
			const chunk = this.chunks[index]!;
			const piece = Math.min(chunk.length - offset, count - filled);
			chunk.copy(result, filled, offset, offset + piece);
			filled += piece;
			index++;
			offset = 0;
		}

		return result;
	}

	private advance(count: number): void {
		this.size -= count;
		let remaining = count;
		while (remaining > 0) {
			const head = this.chunks[this.first]!;
			const available = head.length - this.offset;
			if (remaining < available) {
				this.offset += remaining;
				return;
			}

			remaining -= available;
			this.chunks[this.first] = undefined;
			this.first++;
			this.offset = 0;
		}

		if (this.first === this.chunks.length) {
			this.chunks = [];
			this.first = 0;
		}
	}
}
