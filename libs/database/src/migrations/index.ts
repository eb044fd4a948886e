import { InitialSchema1764115200000 } from './1764115200000-initial-schema';

/** Listed, not globbed, so that the same list works from ts-node, jest and the build. */
export const MIGRATIONS = [InitialSchema1764115200000];
