/**
 * A gate: a TCP proxy in front of the test MongoDB that lets a fixed number
 * of bytes through in one direction, then holds that direction until it is
 * opened. A monarch run pointed at it gets stuck at a point fixed by data
 * volume, never by the clock, so a test can kill or interrupt it in the middle
 * of its work on any machine, however fast or loaded.
 */
import net from 'node:net';
import type {ExecutionContext} from 'ava';
import {testMongoUri} from './project.js';

export type GateOptions = {
	/** Bytes the clients may send to the server before the gate holds (all connections together). */
	toServer?: number;
	/** Bytes the server may send to the clients before the gate holds. */
	toClient?: number;
	/** The server behind the gate (default: the test MongoDB). */
	upstream?: string;
};

export type Gate = {
	/** The test MongoDB's URI, through the gate (direct connection, no heartbeats to get stuck). */
	uri: string;
	/** Resolves once a limit was reached: from then on, nothing more passes until `open()`. */
	held: Promise<void>;
	/** Lets everything through from now on, the held bytes first. */
	open: () => void;
};

type Direction = {limit: number; passed: number; held: Array<() => void>};

/** Starts a gate in front of the test MongoDB (or `upstream`); it is closed when the test ends. */
export async function startGate(t: ExecutionContext, options: GateOptions): Promise<Gate> {
	const upstream = new URL(options.upstream ?? testMongoUri());
	if (upstream.protocol !== 'mongodb:' || upstream.host.includes(','))
		throw new Error(`the gate needs a single-host mongodb:// URI, not ${upstream.protocol}`);
	const upstreamPort = Number(upstream.port || 27017);
	const toServer: Direction = {limit: options.toServer ?? Infinity, passed: 0, held: []};
	const toClient: Direction = {limit: options.toClient ?? Infinity, passed: 0, held: []};
	let opened = false;
	let reached!: () => void;
	const held = new Promise<void>(resolve => {
		reached = resolve;
	});
	const sockets = new Set<net.Socket>();

	/** Passes `from`'s data to `to` within the direction's limit; the rest waits (with `from` paused) until the gate opens. */
	const pass = (from: net.Socket, to: net.Socket, direction: Direction) => {
		from.on('data', (chunk: Buffer) => {
			if (opened) {
				to.write(chunk);
				return;
			}

			const room = Math.max(0, direction.limit - direction.passed);
			const now = chunk.subarray(0, room);
			const later = chunk.subarray(room);
			direction.passed += now.length;
			if (now.length > 0) to.write(now);
			if (later.length > 0) {
				from.pause();
				reached();
				direction.held.push(() => {
					to.write(later);
					from.resume();
				});
			}
		});
		from.on('end', () => to.end());
		from.on('error', () => to.destroy());
	};

	const server = net.createServer(client => {
		const remote = net.connect(upstreamPort, upstream.hostname);
		sockets.add(client).add(remote);
		for (const socket of [client, remote]) socket.once('close', () => sockets.delete(socket));
		pass(client, remote, toServer);
		pass(remote, client, toClient);
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		server.listen(0, '127.0.0.1', resolve);
	});
	t.teardown(async () => {
		for (const socket of sockets) socket.destroy();
		await new Promise(resolve => server.close(resolve));
	});

	const {port} = server.address() as net.AddressInfo;
	return {
		uri: `mongodb://127.0.0.1:${port}/?directConnection=true&heartbeatFrequencyMS=600000`,
		held,
		open() {
			opened = true;
			for (const direction of [toServer, toClient]) {
				for (const release of direction.held.splice(0)) release();
			}
		},
	};
}

/** Waits until the gate holds a run; fails with the run's output if the run ends first. */
export async function heldOrExited(gate: Gate, exited: Promise<unknown>, stderr: () => string): Promise<void> {
	await Promise.race([
		gate.held,
		exited.then(() => {
			throw new Error(`monarch ended before the gate held it:\n${stderr()}`);
		}),
	]);
}
