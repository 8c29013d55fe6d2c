import { cached } from 'cacheme'
import { fetchBook } from './db.js'
import { __cachemeStore, __cachemeParam } from 'cacheme';
/* category:<<categoryID>>:book:<<bookID>> */
const __cacheme_category_categoryID_book_bookID = __cachemeStore({ template: 'category:<<categoryID>>:book:<<bookID>>', params: ['categoryID', 'bookID'], render: (p) => 'category:' + __cachemeParam(p, 'categoryID', 'category:<<categoryID>>:book:<<bookID>>') + ':book:' + __cachemeParam(p, 'bookID', 'category:<<categoryID>>:book:<<bookID>>'), ttl: 3600000, name: 'Book' }, (p) => fetchBook(p), { version: () => BOOK_VERSION + '1', singleflight: true });

const BOOK_VERSION = 3

export const books = __cacheme_category_categoryID_book_bookID

