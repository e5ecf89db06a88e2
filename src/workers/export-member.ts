import * as Comlink from 'comlink';
import { createMemberApi } from './export-member-api';
import { installErrorTransfer } from './transfer';

/** A Worker of the export pool (started by export-pool.ts from the app worker). */
installErrorTransfer();
Comlink.expose(createMemberApi());
