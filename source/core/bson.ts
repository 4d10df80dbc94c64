import {createRequire} from 'node:module';
import type * as Bson from 'bson';

/**
 * The one bson of the process. The driver requires bson's CommonJS build; an
 * `import from 'bson'` would load its ES module build beside it, a second
 * copy with its own 17 MB serialisation buffer (measured: 34 MB of a
 * backup's peak RSS were those two buffers). Core imports bson from here,
 * which requires the very module the driver uses.
 */
const bson = createRequire(import.meta.url)('bson') as typeof Bson;

/** BSON's type numbers, as the first byte of an element holds them (except minKey: -1 here, 0xff in the bytes). */
export const {BSON, BSONType, EJSON, deserialize, serialize} = bson;
export const Int32: typeof Bson.Int32 = bson.Int32;
export type Int32 = Bson.Int32;
export const Long: typeof Bson.Long = bson.Long;
export type Long = Bson.Long;
export type {DeserializeOptions, Document} from 'bson';
