import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, InvalidInputError } from '../core/errors.ts';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_FILE = 'secret.key';

/** Seals secrets (OAuth tokens) for storage with AES-256-GCM, and opens them again. */
export interface SecretBox {
  seal(value: unknown): Buffer;
  open<T>(sealed: Buffer): T;
}

/**
 * The key comes from RAPPORT_SECRET_KEY (32 bytes as 64 hex digits or base64) or, when
 * that is unset, from `secret.key` in the data folder, created on first use with mode
 * 0600 so that only the user can read it.
 */
export function openSecretBox(dataDir: string, env: NodeJS.ProcessEnv = process.env): SecretBox {
  const key = env.RAPPORT_SECRET_KEY ? keyFromEnvironment(env.RAPPORT_SECRET_KEY) : keyFromFile(dataDir);
  return {
    seal(value) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
    },
    open<T>(sealed: Buffer): T {
      if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) {
        throw new InvalidInputError('Stored credentials are not in a format this rapport can read; connect the account again.');
      }
      const iv = sealed.subarray(1, 1 + IV_BYTES);
      const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      try {
        const text = Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
        return JSON.parse(text.toString('utf8')) as T;
      } catch (err) {
        throw new InvalidInputError(
          'Stored credentials cannot be decrypted with this key (was RAPPORT_SECRET_KEY or secret.key changed?); restore the key or connect the account again.',
          { cause: err },
        );
      }
    },
  };
}

function keyFromEnvironment(value: string): Buffer {
  const text = value.trim();
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new ConfigError([
      { key: 'RAPPORT_SECRET_KEY', expected: '32 random bytes as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)' },
    ]);
  }
  return key;
}

function keyFromFile(dataDir: string): Buffer {
  const file = path.join(dataDir, KEY_FILE);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (!fs.existsSync(file)) {
    // Written aside, then linked into place: the link fails if another process got there
    // first, so two processes starting at once share one complete key.
    const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    fs.writeFileSync(aside, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
    try {
      fs.linkSync(aside, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      fs.unlinkSync(aside);
    }
  }
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(text)) {
    throw new ConfigError([{ key: file, expected: '64 hex digits (the key that encrypts stored tokens)' }]);
  }
  return Buffer.from(text, 'hex');
}
