import { cached as memo } from './my-cache.js';
export const comments = memo('comment:<<id>>', () => 1);
