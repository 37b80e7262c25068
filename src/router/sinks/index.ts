/** Builds the sink for a destination's type and config (validated by destinations.ts). */
import type { DestinationConfig } from '../destinations.ts';
import { AzureBlobSink } from './azure-blob.ts';
import { FilesystemSink } from './filesystem.ts';
import { type S3Options, S3Sink } from './s3.ts';
import type { Sink } from './sink.ts';
import { SplunkHecSink } from './splunk-hec.ts';
import { SyslogSink } from './syslog.ts';
import { WebhookSink } from './webhook.ts';

/** The sink for a destination, or null for the workspace (it reads the store directly). */
export function createSink(type: string, c: DestinationConfig): Sink | null {
  switch (type) {
    case 'filesystem':
      return new FilesystemSink(c.path as string);
    case 'webhook':
      return new WebhookSink(c.url as string, c.secret as string | undefined);
    case 'azureBlob':
      return new AzureBlobSink(c.connectionString as string);
    case 's3':
      return new S3Sink(s3Options(c));
    case 'syslog':
      return new SyslogSink({
        host: c.host as string,
        port: c.port as number,
        ...(c.tls === true ? { tls: true } : {}),
        ...(typeof c.ca === 'string' ? { ca: c.ca } : {}),
        ...(c.format === 'cef' ? { format: 'cef' as const } : {}),
      });
    case 'splunkHec':
      return new SplunkHecSink({
        url: c.url as string,
        token: c.token as string,
        ...(typeof c.sourcetype === 'string' ? { sourcetype: c.sourcetype } : {}),
        ...(typeof c.index === 'string' ? { index: c.index } : {}),
      });
    case 'workspace':
      return null;
    default:
      throw new Error(`no sink for destinations of type '${type}'`);
  }
}

export function s3Options(c: DestinationConfig): S3Options {
  const o: S3Options = { bucket: c.bucket as string };
  for (const k of ['region', 'endpoint', 'accessKeyId', 'secretAccessKey'] as const) {
    if (typeof c[k] === 'string') o[k] = c[k];
  }
  if (typeof c.forcePathStyle === 'boolean') o.forcePathStyle = c.forcePathStyle;
  return o;
}
