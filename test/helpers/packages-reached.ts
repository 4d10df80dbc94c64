/** What a built file loads before it runs anything: the npm packages it reaches through static imports. */
import {isBuiltin} from 'node:module';
import {build} from 'esbuild';

/** The npm packages `entry` reaches through static imports (and require calls), dynamic imports left out, by package name. */
export async function packagesReached(entry: string): Promise<string[]> {
	const reached = new Set<string>();
	await build({
		entryPoints: [entry],
		bundle: true,
		write: false,
		platform: 'node',
		format: 'esm',
		logLevel: 'silent',
		plugins: [
			{
				name: 'static-imports',
				setup(builder) {
					builder.onResolve({filter: /.*/}, args => {
						if (args.kind === 'entry-point') return undefined;
						if (args.kind === 'dynamic-import' || isBuiltin(args.path)) return {path: args.path, external: true};
						if (args.path.startsWith('.')) return undefined;
						const parts = args.path.split('/');
						reached.add(args.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
						return {path: args.path, external: true};
					});
				},
			},
		],
	});
	return [...reached].sort();
}
