import * as Comlink from 'comlink';
import { createMemberApi } from './export-member-api';
import { installTransferHandlers } from './transfer';

/** A Worker of the export pool (started by export-pool.ts from the app worker). */
installTransferHandlers();
Comlink.expose(createMemberApi());
