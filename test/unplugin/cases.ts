import { fileURLToPath } from 'node:url'

export const APP = fileURLToPath(new URL('./app/', import.meta.url))
export const MALFORMED = fileURLToPath(new URL('./malformed/', import.meta.url))

/** Each malformed module of malformed/, and what its build error must say (file:line:col, bad text). */
export const MALFORMED_CASES = [
  { entry: 'unclosed.js', expect: ['unclosed.js:4:41', "has an unclosed '<<'", "'comment:<<id'"] },
  { entry: 'empty-name.js', expect: ['empty-name.js:4:41', "empty placeholder '<<>>'"] },
  { entry: 'non-identifier.js', expect: ['non-identifier.js:4:41', "'<<comment-id>>'", 'not a JavaScript identifier'] },
  { entry: 'repeated.js', expect: ['repeated.js:4:48', "repeats placeholder '<<id>>'"] },
  { entry: 'bad-ttl.js', expect: ['bad-ttl.js:4:71', '"5 minutes" is not a duration'] },
  // A CRLF inside a template literal is one character of its value: the column is still right.
  { entry: 'crlf.js', expect: ['crlf.js:5:1', "has an unclosed '<<'", "'comment:\\n<<id'"] },
  { entry: 'params.js', expect: ['params.js:4:80', "'userID' is not a placeholder of 'user:<<userId>>:posts'; did you mean 'userId'?"] },
  // A .js module with JSX is still read (as JSX), so its templates are still checked.
  { entry: 'jsx.js', expect: ['jsx.js:5:41', "has an unclosed '<<'"] },
  {
    entry: 'conflict.js',
    expect: [
      'conflict-a.js:4:25',
      'conflict-b.js:4:25',
      "template 'comment:<<id>>' is defined here with",
      'must agree on ttl, version and name',
    ],
  },
]
