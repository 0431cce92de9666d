#!/usr/bin/env node
import { runExporterMain } from '@keepwatch/core/bootstrap';
import { dragonflyExporter } from './definition.ts';

await runExporterMain(dragonflyExporter);
