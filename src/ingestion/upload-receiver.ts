import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import busboy from 'busboy';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface ReceivedUpload {
  path: string;
  fileName: string;
  fields: Record<string, string>;
  /** Removes the spooled file. */
  dispose(): Promise<void>;
}

/**
 * Streams one multipart file to a private temp file (never into memory), enforcing the size
 * limit while it arrives. Parquet needs random access, so the file is spooled rather than piped.
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
  const dir = await mkdtemp(path.join(os.tmpdir(), 'finops-upload-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  try {
    const fields: Record<string, string> = {};
    let saved: Promise<{ path: string; fileName: string }> | undefined;
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
      const fileName = path.basename(info.filename || 'upload');
      const target = path.join(dir, 'upload');
      stream.on('limit', () => {
        tooLarge = true;
        stream.unpipe();
        stream.resume();
      });
      saved = pipeline(stream, createWriteStream(target, { mode: 0o600 })).then(() => ({
        path: target,
        fileName,
      }));
    });
    await pipeline(req, parser);
    if (tooLarge)
      throw new PayloadTooLargeException({
        error: 'too_large',
        message: `file: larger than the ${maxBytes}-byte limit (FINOPS_UPLOAD_MAX_BYTES)`,
      });
    if (!saved)
      throw new BadRequestException({
        error: 'invalid_request',
        field: 'file',
        message: 'file: missing "file" part',
      });
    const file = await saved;
    return { ...file, fields, dispose };
  } catch (err) {
    await dispose();
    throw err;
  }
}
