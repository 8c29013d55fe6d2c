import { cached } from 'cacheme';
import * as __cacheme from 'cacheme';
/* category:<<categoryID>>:book:<<bookID>> */
const __cacheme_category_categoryID_book_bookID = __cacheme.__cachemeStore({ template: 'category:<<categoryID>>:book:<<bookID>>', params: ['categoryID', 'bookID'], render: p => 'category:' + __cacheme.__cachemeParam(p, 'categoryID', 'category:<<categoryID>>:book:<<bookID>>') + ':book:' + __cacheme.__cachemeParam(p, 'bookID', 'category:<<categoryID>>:book:<<bookID>>'), ttl: 3600000 }, p => fetchBook(p));
export function books(categoryID, bookIDs) {
    return __cacheme_category_categoryID_book_bookID.getMany(bookIDs.map((bookID) => ({ categoryID, bookID })));
}
async function fetchBook({ categoryID, bookID }) {
    return { categoryID, bookID };
}
