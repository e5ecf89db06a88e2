import * as Comlink from 'comlink';
import { workerApi } from './api';
import { installErrorTransfer } from './transfer';

installErrorTransfer();
Comlink.expose(workerApi);
