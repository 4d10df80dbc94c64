import {spawn} from 'node:child_process';
import {once} from 'node:events';

/** The pid of a process that ran on this machine and has exited: what a killed monarch leaves in its lock document. */
export async function deadPid(): Promise<number> {
	const child = spawn(process.execPath, ['-e', ''], {stdio: 'ignore'});
	await once(child, 'exit');
	return child.pid!;
}

/** A lock document as a run leaves it, its lease running for 10 more minutes. */
export function heldLock(name: string, holder: Record<string, unknown>, since = new Date('2026-11-23T10:00:00Z')) {
	return {_id: name as never, token: 'killed-run', holder, acquiredAt: since, expiresAt: new Date(Date.now() + 600_000)};
}

/** Escapes text for a RegExp. */
export function literal(text: string): string {
	return text.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`);
}
