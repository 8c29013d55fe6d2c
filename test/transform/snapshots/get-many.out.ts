import { cached } from 'cacheme'
import { __cachemeStore, __cachemeParam } from 'cacheme';
/* category:<<categoryID>>:book:<<bookID>> */
const __cacheme_category_categoryID_book_bookID = __cachemeStore({ template: 'category:<<categoryID>>:book:<<bookID>>', params: ['categoryID', 'bookID'], render: (p) => 'category:' + __cachemeParam(p, 'categoryID', 'category:<<categoryID>>:book:<<bookID>>') + ':book:' + __cachemeParam(p, 'bookID', 'category:<<categoryID>>:book:<<bookID>>'), ttl: 3600000 }, (p) => fetchBook(p));

export function books(categoryID: number, bookIDs: number[]) {
  return __cacheme_category_categoryID_book_bookID.getMany(bookIDs.map((bookID) => ({ categoryID, bookID })))
}

async function fetchBook({ categoryID, bookID }: { categoryID: number; bookID: number }) {
  return { categoryID, bookID }
}

