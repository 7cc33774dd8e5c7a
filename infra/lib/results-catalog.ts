import { Aws, Stack } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { STORE_PREFIXES } from './storage';

/**
 * The result records' columns as the lake's Parquet parts hold them (src/lake/result-schema.ts is
 * the application's side; test/infra checks the two are equal). Athena matches Parquet columns by
 * name, case-insensitively.
 */
export const RESULT_TABLE_COLUMNS = [
  { name: 'id', type: 'string' },
  { name: 'source', type: 'struct<key:string,line:bigint>' },
  { name: 'label', type: 'string' },
  { name: 'predictedLabel', type: 'string' },
  { name: 'probabilities', type: 'map<string,double>' },
  { name: 'sentiment', type: 'struct<compound:double,label:string>' },
  { name: 'modelVersion', type: 'string' },
] as const;

/** Hive partitions, in path order: results/model=<m>/dt=<yyyy-mm-dd>/batch=<id>/part-NNNNN.parquet. */
export const RESULT_TABLE_PARTITIONS = [
  { name: 'model', type: 'string' },
  { name: 'dt', type: 'string' },
  { name: 'batch', type: 'string' },
] as const;

export interface ResultsCatalogProps {
  store: s3.IBucket;
  /** First day of the date projection (yyyy-MM-dd). */
  firstDay?: string;
}

/**
 * A Glue Data Catalog database and the `results` table over the store's results/ prefix, with
 * partition projection: Athena computes partitions from the query instead of a crawler registering
 * them. `dt` is a date range; model and batch names are not known in advance, so they are
 * `injected` (a query names them: `WHERE model = 'default' AND batch = 'b…'`); a crawler over
 * results/ would find the same single schema.
 */
export class ResultsCatalog extends Construct {
  readonly database: glue.CfnDatabase;
  readonly table: glue.CfnTable;
  readonly databaseName: string;
  readonly tableName = 'results';

  constructor(scope: Construct, id: string, props: ResultsCatalogProps) {
    super(scope, id);
    this.databaseName = `${Stack.of(this)
      .stackName.toLowerCase()
      .replace(/[^a-z0-9_]/g, '_')}_lake`;
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: Aws.ACCOUNT_ID,
      databaseInput: { name: this.databaseName, description: 'nlp-batch data lake: scored result records (Parquet)' },
    });
    const location = `s3://${props.store.bucketName}/${STORE_PREFIXES.results}`;
    this.table = new glue.CfnTable(this, 'Table', {
      catalogId: Aws.ACCOUNT_ID,
      databaseName: this.databaseName,
      tableInput: {
        name: this.tableName,
        description: 'One row per scored document; partitions model / dt / batch (projection)',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'parquet',
          'parquet.compression': 'ZSTD',
          EXTERNAL: 'TRUE',
          'projection.enabled': 'true',
          'projection.model.type': 'injected',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          'projection.dt.range': `${props.firstDay ?? '2024-01-01'},NOW`,
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'projection.batch.type': 'injected',
          'storage.location.template': `${location}model=\${model}/dt=\${dt}/batch=\${batch}/`,
        },
        partitionKeys: RESULT_TABLE_PARTITIONS.map((c) => ({ name: c.name, type: c.type })),
        storageDescriptor: {
          location,
          columns: RESULT_TABLE_COLUMNS.map((c) => ({ name: c.name, type: c.type })),
          inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
          compressed: true,
        },
      },
    });
    this.table.addDependency(this.database);
  }
}
