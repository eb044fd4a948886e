import { InitialSchema1764115200000 } from './1764115200000-initial-schema';
import { WaitingLine1764288000000 } from './1764288000000-waiting-line';
import { LineThroughput1764374400000 } from './1764374400000-line-throughput';
import { SessionLengths1764460800000 } from './1764460800000-session-lengths';
import { HoldIndexes1764547200000 } from './1764547200000-hold-indexes';
import { PrequeuePermutation1764633600000 } from './1764633600000-prequeue-permutation';

/** Listed, not globbed, so that the same list works from ts-node, jest and the build. */
export const MIGRATIONS = [
  InitialSchema1764115200000,
  WaitingLine1764288000000,
  LineThroughput1764374400000,
  SessionLengths1764460800000,
  HoldIndexes1764547200000,
  PrequeuePermutation1764633600000,
];
