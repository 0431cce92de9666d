#!/usr/bin/env node
import { runExporterMain } from '@keepwatch/core/bootstrap';
import { milvusExporter } from './definition.ts';

await runExporterMain(milvusExporter);
