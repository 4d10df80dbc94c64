import {Box, Text} from 'ink';
import {useMemo} from 'react';
import {useTui} from '../context.js';
import {usePrivacyKeys} from '../hooks/use-privacy-keys.js';
import {usePrivacyReport} from '../hooks/use-privacy-report.js';
import {scrubSuggestLine} from '../jobs/command-line.js';
import {auditJob, writeSuggestionsJob} from '../jobs/privacy-jobs.js';
import {privacyLines, privacySummary} from '../state/privacy-lines.js';
import type {ReportLine} from '../state/rehearsal-report-lines.js';
import {useScrollState} from '../state/use-scroll-state.js';
import {ReportLineText} from './rehearsal-report.js';
import {clip, fit} from './text.js';

export type PrivacyViewProps = {
	environment: string;
	width: number;
	/** Rows it may take (the app gives the panel's). */
	height: number;
	onClose: () => void;
	isActive: boolean;
};

/**
 * `P` on a personal-data environment: a title with the scroll position, the
 * counts (or where the sample's reading is, or why it failed), the CLI line
 * that prints the same, then per collection every path with its types,
 * presence, classification, suggestion and reason (privacyLines), scrolled
 * with the keys of usePrivacyKeys; `w` and `a` start the --write and audit
 * jobs. Never taller than `height` nor wider than `width`.
 */
export function PrivacyView({environment, width, height, onClose, isActive}: PrivacyViewProps) {
	const tui = useTui();
	const report = usePrivacyReport(tui.config, environment);
	const lines = useMemo(() => (report.result ? privacyLines(report.result, width) : []), [report.result, width]);
	const bodyRows = Math.max(1, height - 3);
	const {offset, scroll} = useScrollState(lines.length, bodyRows);
	usePrivacyKeys({
		scroll,
		isActive,
		onClose,
		onRefresh: report.reload,
		onWrite: () => writeSuggestionsJob(tui, environment),
		onAudit: () => auditJob(tui, {source: environment}),
	});
	const visible = lines.slice(offset, offset + bodyRows);
	const position = lines.length > bodyRows ? `${offset + 1}-${offset + visible.length}/${lines.length} ↓/j` : '';
	const {reading, error} = report;
	let status: ReportLine;
	if (error) status = [{text: `privacy: unknown (${error}); r reads again`, color: 'red'}];
	else if (reading)
		status = [
			{
				text: `Reading a sample of ${environment}: ${reading.task}${reading.total === undefined ? '' : ` ${reading.done}/${reading.total}`}…`,
				dim: true,
			},
		];
	else status = report.result ? privacySummary(report.result) : [];
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text wrap="truncate">
				<Text bold>{fit(`Privacy of ${environment}`, width - position.length)}</Text>
				<Text dimColor>{position}</Text>
			</Text>
			<ReportLineText line={status} />
			<Text dimColor wrap="truncate">
				{clip(`$ ${scrubSuggestLine(environment)}`, width)}
			</Text>
			{visible.map((line, index) => (
				<ReportLineText key={offset + index} line={line} />
			))}
		</Box>
	);
}
