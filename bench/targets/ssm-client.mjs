// Load target (runLoad kind 'module') for the Parameter Store benchmark: one
// SDK v3 SSMClient, SigV4-signed, over a keep-alive agent sized for the
// concurrency; each once() is one operation of the chosen kind.
import http from 'node:http';
import { GetParameterCommand, GetParametersByPathCommand, SSMClient } from '@aws-sdk/client-ssm';

export function setup({ endpoint, op, count, concurrency = 16 }) {
  const client = new SSMClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: { httpAgent: new http.Agent({ keepAlive: true, maxSockets: concurrency }) },
  });
  let i = 0;
  const next = () => (i = (i + 1) % count);
  if (op === 'get-string') {
    return async () => {
      const { Parameter } = await client.send(new GetParameterCommand({ Name: stringName(next()) }));
      if (!Parameter?.Value) throw new Error('empty value');
    };
  }
  if (op === 'get-secure') {
    return async () => {
      const { Parameter } = await client.send(new GetParameterCommand({ Name: secureName(next()), WithDecryption: true }));
      if (!Parameter?.Value?.startsWith('secret-')) throw new Error('not decrypted');
    };
  }
  if (op === 'by-path') {
    // One op = a full recursive walk of the String tree, page by page (MaxResults 10).
    return async () => {
      let seen = 0;
      let NextToken;
      do {
        const page = await client.send(new GetParametersByPathCommand({ Path: '/bench/str', Recursive: true, MaxResults: 10, NextToken }));
        seen += page.Parameters?.length ?? 0;
        NextToken = page.NextToken;
      } while (NextToken);
      if (seen !== count) throw new Error(`walked ${seen} of ${count}`);
    };
  }
  throw new Error(`unknown op ${op}`);
}

/** 1,000 names spread over a two-level hierarchy: /bench/str/g07/p0712. */
export const stringName = (i) => `/bench/str/g${String(Math.floor(i / 100)).padStart(2, '0')}/p${String(i).padStart(4, '0')}`;
export const secureName = (i) => `/bench/sec/g${String(Math.floor(i / 100)).padStart(2, '0')}/p${String(i).padStart(4, '0')}`;
