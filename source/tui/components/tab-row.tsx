import {Text} from 'ink';

/** The row of panels: `1 Environments  2 Migrations  3 Backups  4 QuerySets`, the focused one highlighted; cut on a narrow terminal. */
export function TabRow({titles, active}: {titles: Array<{title: string; available: boolean}>; active: number}) {
	return (
		<Text wrap="truncate">
			{titles.map((tab, index) => (
				<Text key={tab.title}>
					<Text inverse={index === active} bold={index === active} dimColor={!tab.available && index !== active}>
						{` ${index + 1} ${tab.title} `}
					</Text>
					{index < titles.length - 1 ? ' ' : ''}
				</Text>
			))}
		</Text>
	);
}
