import * as Comlink from 'comlink';
import { workerApi } from './api';
import { installTransferHandlers } from './transfer';

installTransferHandlers();
Comlink.expose(workerApi);
