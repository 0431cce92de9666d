#!/usr/bin/env node
import { runExporterMain } from '@keepwatch/core/bootstrap';
import { valkeyExporter } from './definition.ts';

await runExporterMain(valkeyExporter);
