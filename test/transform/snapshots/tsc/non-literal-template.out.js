import { cached } from 'cacheme';
import { fetchComment } from './db.js';
const kind = 'comment';
export const comments = cached(`${kind}:<<id>>`, fetchComment, '5m');
