import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import busboy from 'busboy';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createSpoolDir } from './upload-spool.js';

export interface ReceivedUpload {
  path: string;
  fileName: string;
  fields: Record<string, string>;
  /** Removes the spooled file. */
  dispose(): Promise<void>;
}

/** The client's file name, reduced to a plain name without control characters. */
const safeName = (name: string) =>
  [...path.basename(name)].filter((ch) => ch >= ' ' && ch !== '\x7f').join('') || 'upload';

/**
 * Streams one multipart file to a private temp file (never into memory), enforcing the size
 * limit while it arrives. Parquet needs random access, so the file is spooled rather than piped.
 * On every failure (a client that hangs up mid-body included) the copy is stopped, its file
 * closed and the spool folder removed before the error is passed on.
 */
export async function receiveUpload(
  req: IncomingMessage,
  maxBytes: number,
): Promise<ReceivedUpload> {
  const type = req.headers['content-type'] ?? '';
  if (!type.startsWith('multipart/form-data')) {
    throw new BadRequestException({
      error: 'invalid_request',
      field: 'file',
      message: 'file: send multipart/form-data with a "file" part',
    });
  }
  const dir = await createSpoolDir();
  const dispose = () => rm(dir, { recursive: true, force: true });
  let part: Readable | undefined;
  let saved: Promise<{ path: string; fileName: string }> | undefined;
  try {
    const fields: Record<string, string> = {};
    let tooLarge = false;
    const parser = busboy({
      headers: req.headers,
      limits: { files: 1, fileSize: maxBytes, fields: 10, fieldSize: 1024 },
    });
    parser.on('field', (name, value) => (fields[name] = value));
    parser.on('file', (name, stream, info) => {
      if (name !== 'file' || saved) {
        stream.resume();
        return;
      }
      const target = path.join(dir, 'upload');
      // Past the limit busboy drops the rest of the part and ends the stream (truncated).
      stream.on('limit', () => (tooLarge = true));
      part = stream;
      saved = pipeline(stream, createWriteStream(target, { mode: 0o600 })).then(() => ({
        path: target,
        fileName: safeName(info.filename || 'upload'),
      }));
      // Awaited on every path below; this keeps a rejection before that await from going unhandled.
      saved.catch(() => undefined);
    });
    await pipeline(req, parser);
    if (!saved)
      throw new BadRequestException({
        error: 'invalid_request',
        field: 'file',
        message: 'file: missing "file" part',
      });
    const file = await saved;
    if (tooLarge)
      throw new PayloadTooLargeException({
        error: 'too_large',
        message: `file: larger than the ${maxBytes}-byte limit (FINOPS_UPLOAD_MAX_BYTES)`,
      });
    return { ...file, fields, dispose };
  } catch (err) {
    part?.destroy();
    await saved?.catch(() => undefined);
    await dispose();
    throw err;
  }
}
