import prettyBytes from 'pretty-bytes';

/** Bytes for people, in powers of 1024: `512 B`, `2.0 KiB`, `23.4 MiB`. */
export function formatBytes(bytes: number): string {
	return bytes < 1024 ? `${bytes} B` : prettyBytes(bytes, {binary: true, minimumFractionDigits: 1, maximumFractionDigits: 1});
}
