import { InitialSchema1764115200000 } from './1764115200000-initial-schema';
import { WaitingLine1764288000000 } from './1764288000000-waiting-line';

/** Listed, not globbed, so that the same list works from ts-node, jest and the build. */
export const MIGRATIONS = [InitialSchema1764115200000, WaitingLine1764288000000];
