import type {ProjectConfig} from '../config/load.js';
import type {StoreLocation} from './contract.js';

/** Which backup locations monarch.json configures, local first. On its own so that naming them loads no store. */
export function configuredLocations(config: ProjectConfig): StoreLocation[] {
	const locations: StoreLocation[] = [];
	if (config.backups.local) locations.push('local');
	if (config.backups.s3) locations.push('s3');
	return locations;
}
