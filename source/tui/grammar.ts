import {describeProgram, type Grammar} from '../cli/grammar.js';
import {createProgram} from '../cli/program.js';

/**
 * The CLI's grammar, read from commander's program (source/cli/grammar.ts):
 * the `:` palette completes from it and the jobs' CLI lines are spelled from
 * it. This module builds the program; the build replaces it in dist/ with
 * the description it read from the built program (scripts/build.ts), so the
 * TUI's first frame does not load commander nor the CLI's commands
 * (test/tui/grammar.test.ts compares the two).
 */
export const grammar: Grammar = describeProgram(createProgram(new AbortController().signal));
