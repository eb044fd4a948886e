import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The system user PostgreSQL runs as when we are root (it refuses to run as root). */
export interface PostgresUser {
  uid: number;
  gid: number;
  /** Every group of the user (its primary group included). */
  groups: number[];
}

/** Where the cluster and the binaries end up, and why. */
export interface PostgresPlacement {
  /** The data directory PostgreSQL runs on. */
  dataDir: string;
  /** The `native` directory holding bin/, lib/ and share/. */
  nativeDir: string;
  /** Set when the cluster (and maybe the binaries) had to move: the directory holding them. */
  relocatedTo?: string;
  /** The requested directory that the postgres user could not reach, when relocated. */
  unreachable?: string;
}

/** Project name, for the directory created under /var/lib (or the temporary directory). */
export const PROJECT_DIR_NAME = 'concert-ticketing';

/** Where a cluster moves when the postgres user cannot reach the requested one, in order. */
export function defaultRelocationBases(): string[] {
  return [path.join('/var/lib', PROJECT_DIR_NAME), path.join(tmpdir(), PROJECT_DIR_NAME)];
}

/** Whether `user` may search (traverse) the directory `dir`, from its mode and owner. */
export function canSearch(dir: string, user: PostgresUser): boolean {
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    return false;
  }
  if (!stat.isDirectory()) return false;
  if (stat.uid === user.uid) return (stat.mode & 0o100) !== 0;
  if (user.groups.includes(stat.gid)) return (stat.mode & 0o010) !== 0;
  return (stat.mode & 0o001) !== 0;
}

/**
 * The first existing directory from `dir` upwards that `user` cannot traverse, or undefined
 * when it can reach `dir` (directories still to be created are skipped: we create them
 * searchable). Nothing is changed.
 */
export function firstUnreachableAncestor(dir: string, user: PostgresUser): string | undefined {
  const chain: string[] = [];
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    chain.unshift(current);
    if (path.dirname(current) === current) break;
  }
  for (const current of chain) {
    if (!existsSync(current)) return undefined;
    if (!canSearch(current, user)) return current;
  }
  return undefined;
}

/**
 * Creates `dir` and its missing parents, and makes only the directories it created
 * searchable by everyone (0755; the umask may be stricter). Existing directories are left as
 * they are. Returns the directories it created, outermost first.
 */
export function makeDirectories(dir: string): string[] {
  const missing: string[] = [];
  for (let current = path.resolve(dir); !existsSync(current); current = path.dirname(current)) {
    missing.unshift(current);
  }
  for (const current of missing) {
    mkdirSync(current);
    chmodSync(current, 0o755);
  }
  return missing;
}

/**
 * A directory of ours outside the project, safe to use as root: owned by root and writable
 * by nobody else (a directory someone else created in /tmp could be a trap).
 */
function isSafeBase(dir: string): boolean {
  const stat = statSync(dir);
  return stat.isDirectory() && stat.uid === 0 && (stat.mode & 0o022) === 0;
}

/**
 * Decides where the embedded cluster runs so that nobody has to change the mode of any
 * existing directory. Not root: exactly where asked. Root: PostgreSQL runs as `user`, which
 * must traverse every directory above the data directory and the binaries. When it can,
 * nothing moves. When it cannot (a project under /root, mode 0700), the cluster moves to
 * `<base>/<hash of the requested data directory>/postgres`, with the first base whose
 * existing parents it can reach (/var/lib/concert-ticketing, else the temporary directory's
 * concert-ticketing), and the binaries are copied next to it (`.../native`) if they are out
 * of its reach too. The same request always maps to the same place, so the data persists
 * across restarts. Only directories created here get a mode (0755) or an owner.
 */
export function placePostgres(options: {
  dataDir: string;
  nativeDir: string;
  user: PostgresUser | undefined;
  relocationBases?: string[];
}): PostgresPlacement {
  const dataDir = path.resolve(options.dataDir);
  const nativeDir = path.resolve(options.nativeDir);
  const user = options.user;
  if (!user) return { dataDir, nativeDir };

  const dataBlocked = firstUnreachableAncestor(path.dirname(dataDir), user);
  const binBlocked = firstUnreachableAncestor(nativeDir, user);
  if (!dataBlocked && !binBlocked) {
    makeDirectories(path.dirname(dataDir));
    return { dataDir, nativeDir };
  }

  const hash = createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
  for (const base of options.relocationBases ?? defaultRelocationBases()) {
    if (firstUnreachableAncestor(base, user)) continue;
    makeDirectories(base);
    if (!isSafeBase(base) || !canSearch(base, user)) continue;
    const home = path.join(base, hash);
    makeDirectories(home);
    if (!canSearch(home, user)) continue;
    const placedNative = binBlocked
      ? copyBinaries(nativeDir, path.join(home, 'native'))
      : nativeDir;
    return {
      dataDir: dataBlocked ? path.join(home, 'postgres') : dataDir,
      nativeDir: placedNative,
      relocatedTo: home,
      unreachable: dataBlocked ?? binBlocked,
    };
  }
  throw new Error(
    `The postgres user cannot reach ${dataBlocked ?? binBlocked}, and none of ` +
      `${(options.relocationBases ?? defaultRelocationBases()).join(', ')} can hold the ` +
      'cluster: set DATABASE_URL, or EMBEDDED_POSTGRES_DIR to a directory it can reach.',
  );
}

/**
 * A copy of the binaries (bin/, lib/, share/; PostgreSQL finds lib and share relative to its
 * executable) in a directory the postgres user can reach. Copied again when the source
 * changed (another version of the package).
 */
function copyBinaries(source: string, target: string): string {
  const stampFile = path.join(target, '.source');
  const version = readPackageVersion(source);
  const stamp = `${source}\n${version}\n`;
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return target;
  // The real directory, not a symlink to it: the copy must not lead back out of reach.
  cpSync(realpathSync(source), target, { recursive: true, force: true, verbatimSymlinks: true });
  // The copy is ours: make its directories searchable and its files readable.
  chmodTree(target);
  writeFileSync(stampFile, stamp);
  return target;
}

function readPackageVersion(nativeDir: string): string {
  try {
    const pkg = JSON.parse(readFileSync(path.join(nativeDir, '..', 'package.json'), 'utf8'));
    return String(pkg.version);
  } catch {
    return 'unknown';
  }
}

function chmodTree(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) chmodTree(path.join(dir, entry.name));
  }
}

/** Gives a directory we created (the data directory) to the postgres user. */
export function giveTo(dir: string, user: PostgresUser): void {
  chownSync(dir, user.uid, user.gid);
}
