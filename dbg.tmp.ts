import { openKqlDb } from './src/query/kql/test-kql.ts';

const db = await openKqlDb();
for (const q of process.argv.slice(2)) {
  try {
    const r = await db.kql(q);
    console.log(JSON.stringify(r.tables[0]!.rows));
  } catch (e) {
    console.log('ERR', (e as Error).message);
  }
}
db.close();
