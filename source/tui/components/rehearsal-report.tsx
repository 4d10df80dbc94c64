import {Box, Text} from 'ink';
import {useMemo} from 'react';
import type {RehearsalReport} from '../../core/rehearse/index.js';
import {useReportKeys} from '../hooks/use-report-keys.js';
import {type ReportLine, reportLines, verdictLines} from '../state/rehearsal-report-lines.js';
import {useScrollState} from '../state/use-scroll-state.js';
import {fit} from './text.js';

export type RehearsalReportProps = {
	report: RehearsalReport;
	width: number;
	/** Rows it may take (the app gives the panel's). */
	height: number;
	onClose: () => void;
	isActive?: boolean;
};

/**
 * A rehearsal's report after `R`: a title with the scroll position, the
 * verdict (kept in view), then the lines of reportLines (source,
 * copy, scratch database, QuerySet; the migrations; the per-collection
 * table), which scroll with the keys of useReportKeys. Never taller than
 * `height` nor wider than `width`.
 */
export function RehearsalReportView({report, width, height, onClose, isActive = true}: RehearsalReportProps) {
	const verdict = useMemo(() => verdictLines(report, width), [report, width]);
	const lines = useMemo(() => reportLines(report, width), [report, width]);
	const bodyRows = Math.max(1, height - 1 - verdict.length);
	const {offset, scroll} = useScrollState(lines.length, bodyRows);
	useReportKeys({scroll, onClose, isActive});
	const visible = lines.slice(offset, offset + bodyRows);
	const position = lines.length > bodyRows ? `${offset + 1}-${offset + visible.length}/${lines.length} ↓/j` : '';
	return (
		<Box flexDirection="column" width={width} height={height} overflow="hidden">
			<Text wrap="truncate">
				<Text bold>{fit(`Rehearsal of ${report.source.environment}`, width - position.length)}</Text>
				<Text dimColor>{position}</Text>
			</Text>
			{verdict.map((line, index) => (
				<ReportLineText key={`verdict-${index}`} line={line} />
			))}
			{visible.map((line, index) => (
				<ReportLineText key={offset + index} line={line} />
			))}
		</Box>
	);
}

/** One line of spans, cut to the width (shared by the rehearsal report and the privacy view). */
export function ReportLineText({line}: {line: ReportLine}) {
	if (line.length === 0) return <Text> </Text>;
	return (
		<Text wrap="truncate">
			{line.map((span, index) => (
				<Text key={index} color={span.color} bold={span.bold} dimColor={span.dim}>
					{span.text}
				</Text>
			))}
		</Text>
	);
}
