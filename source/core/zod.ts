/**
 * zod, as core imports it (`import {z} from '../zod.js'`). The build
 * (scripts/build.ts) bundles this file with zod into one module, so that
 * checking monarch.json on start-up reads one file instead of zod's hundred
 * (its locales among them); the types, and tests run from source, use the
 * package itself.
 */
export {z} from 'zod';
