/**
 * An import's rejects file is found by its id however many imports came after it (the server's
 * download looked among the newest 1,000 only).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWorkspace, type Workspace } from '../../src/index.js';
import { DuckDBEngine } from '../../src/engine/duckdb/engine.js';
import { errorResponse } from '../../src/server/faults.js';
import { addImportRoutes } from '../../src/server/import-routes.js';
import { OneAtATime } from '../../src/server/one-at-a-time.js';
import { tempDir } from '../helpers/cli.js';

describe('an old import in the history', () => {
  let workspace: Workspace;
  let rejectedId = 0;

  beforeAll(async () => {
    const dir = tempDir();
    const db = join(dir, 'shop.duckdb');
    const file = join(dir, 'customers.csv');
    writeFileSync(file, 'customer_id,name,birthday\n1,A,1990-01-01\n2,B,1990-13-45\n');
    const first = await openWorkspace({ db });
    await first.import({ table: 'customers', files: [file], maxRejects: 5 });
    rejectedId = (await first.imports(1))[0]!.importId;
    await first.close();
    const engine = await DuckDBEngine.open(db);
    await engine.run(`INSERT INTO imports (table_name, mode, files, started_at, finished_at, duration_ms, outcome)
      SELECT 'customers', 'upsert', ['later.csv'], TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-01', 1, 'ok' FROM range(1001)`);
    engine.close();
    workspace = await openWorkspace({ db });
  });

  afterAll(async () => {
    await workspace.close();
  });

  it('is beyond the newest 1,000 but still has its record and its rejects', async () => {
    expect((await workspace.imports(1000)).some((r) => r.importId === rejectedId)).toBe(false);
    expect(await workspace.importRecord(rejectedId)).toMatchObject({ importId: rejectedId, outcome: 'ok', rowsRejected: 1 });
    expect(await workspace.importRecord(rejectedId + 5000)).toBeUndefined();

    const app = new Hono();
    const quiet = () => {};
    app.onError((error, c) => {
      const { status, body } = errorResponse(error, { debug: quiet, info: quiet, warn: quiet, error: quiet });
      return c.json(body, status as 400);
    });
    addImportRoutes(app, workspace, new OneAtATime());
    const rejects = await app.request(`/api/imports/${rejectedId}/rejects`);
    expect(rejects.status).toBe(200);
    expect((await rejects.text()).split(/\r?\n/)[1]).toMatch(/,3,birthday,/);
    const later = await app.request(`/api/imports/${rejectedId + 1}/rejects`);
    expect(later.status).toBe(404);
  });
});
