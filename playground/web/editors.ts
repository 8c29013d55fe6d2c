import { javascript } from '@codemirror/lang-javascript'
import { EditorState } from '@codemirror/state'
import { EditorView } from '@codemirror/view'
import { basicSetup } from 'codemirror'

const typescript = javascript({ typescript: true })

/** The editable source, calling `onChange` with the whole text after every edit. */
export function sourceEditor(parent: Element, doc: string, onChange: (text: string) => void): EditorView {
  return new EditorView({
    parent,
    doc,
    extensions: [
      basicSetup,
      typescript,
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChange(update.state.doc.toString())
      }),
    ],
  })
}

/** A read-only view of the emitted code. */
export function outputView(parent: Element): EditorView {
  return new EditorView({
    parent,
    // Wrapped: the hoisted store declarations are long single lines.
    extensions: [basicSetup, typescript, EditorView.lineWrapping, EditorState.readOnly.of(true), EditorView.editable.of(false)],
  })
}

export function replaceText(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } })
}

/** Puts the cursor at a 1-based line:col of `view` and scrolls there. */
export function revealPosition(view: EditorView, line: number, column: number): void {
  const doc = view.state.doc
  const target = doc.line(Math.min(Math.max(line, 1), doc.lines))
  const pos = Math.min(target.from + Math.max(column - 1, 0), target.to)
  view.dispatch({ selection: { anchor: pos }, scrollIntoView: true })
  view.focus()
}
