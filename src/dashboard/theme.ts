/**
 * Light, dark, or the system's choice (`prefers-color-scheme`, the default). A choice is kept in
 * localStorage and set as `data-theme` on `<html>` (the HTML shell applies it before the first paint).
 * @module
 */
import { doc, win } from './dom.js'

export type Theme = 'system' | 'light' | 'dark'
const KEY = 'hitring-theme'
const ORDER: Theme[] = ['system', 'light', 'dark']

export function currentTheme(): Theme {
  try {
    const t = win.localStorage.getItem(KEY)
    return t === 'light' || t === 'dark' ? t : 'system'
  } catch {
    return 'system'
  }
}

let listeners: (() => void)[] = []
/** Charts read their colours once: they redraw when the effective scheme changes. */
export function onSchemeChange(fn: () => void): () => void {
  listeners.push(fn)
  return () => void (listeners = listeners.filter((f) => f !== fn))
}
const notify = () => {
  for (const f of listeners.slice()) f()
}

export function setTheme(t: Theme): void {
  try {
    if (t === 'system') win.localStorage.removeItem(KEY)
    else win.localStorage.setItem(KEY, t)
  } catch {
    // storage refused (private mode): the choice lasts until the page is left
  }
  if (t === 'system') doc.documentElement.removeAttribute('data-theme')
  else doc.documentElement.setAttribute('data-theme', t)
  notify()
}

export const nextTheme = (t: Theme): Theme => ORDER[(ORDER.indexOf(t) + 1) % ORDER.length]!

export function watchSystemScheme(): void {
  win.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    if (currentTheme() === 'system') notify()
  })
}
