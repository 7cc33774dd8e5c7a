import assert from 'node:assert/strict';
import { PARTITION_COLUMNS, RESULT_COLUMNS } from '../../src/lake/result-schema';
import { LAKE_PREFIX, layout } from '../../src/pipeline/layout';
import { resourcesOfType, synthesise, type CfnResource, type Synthesis } from './synth';

interface TableInput {
  Name: string;
  TableType: string;
  Parameters: Record<string, string>;
  PartitionKeys: Array<{ Name: string; Type: string }>;
  StorageDescriptor: { Location: unknown; Columns: Array<{ Name: string; Type: string }>; SerdeInfo: { SerializationLibrary: string } };
}

/** The Glue table over results/ declares exactly the schema and partitions the application writes. */
describe('infra: the Glue Data Catalog table over the data lake', function () {
  this.timeout(240_000);
  let s: Synthesis;
  let table: TableInput;

  before(async () => {
    s = await synthesise();
    const tables = resourcesOfType(s.template, 'AWS::Glue::Table');
    assert.equal(tables.length, 1);
    table = (tables[0][1] as CfnResource).Properties?.TableInput as TableInput;
  });

  it("has the result records' columns with the application's types, as Parquet", () => {
    assert.deepEqual(
      table.StorageDescriptor.Columns.map((c) => [c.Name, c.Type]),
      RESULT_COLUMNS.map((c) => [c.name, c.hive]),
    );
    assert.equal(table.StorageDescriptor.SerdeInfo.SerializationLibrary, 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe');
    assert.equal(table.TableType, 'EXTERNAL_TABLE');
    assert.equal(JSON.stringify(table.StorageDescriptor.Location).includes(`/${LAKE_PREFIX}`), true);
  });

  it('projects the model / dt / batch partitions onto the keys the application writes', () => {
    assert.deepEqual(
      table.PartitionKeys.map((c) => [c.Name, c.Type]),
      PARTITION_COLUMNS.map((c) => [c.name, c.hive]),
    );
    const p = table.Parameters;
    assert.equal(p['projection.enabled'], 'true');
    assert.equal(p['projection.dt.type'], 'date');
    assert.equal(p['projection.dt.format'], 'yyyy-MM-dd');
    assert.equal(p['projection.model.type'], 'injected');
    assert.equal(p['projection.batch.type'], 'injected');
    // The template, filled with a partition, is the folder the lake writer uses.
    const template = JSON.stringify(p['storage.location.template']);
    const folder = layout.lakePartition({ modelName: '${model}', dt: '${dt}', batchId: '${batch}' });
    assert.ok(template.includes(folder), `${template} does not end with ${folder}`);
  });
});
