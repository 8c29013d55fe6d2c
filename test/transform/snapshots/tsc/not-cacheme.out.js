import { cached } from './my-cache.js';
export const comments = cached('comment:<<id>>', () => 1);
