#!/usr/bin/env node
// A `$BROWSER` for tests: gets the verification URL as its one argument and walks the test
// provider's pages over loopback HTTP the way a person would: confirm the code, sign in, then
// allow or deny.
//   LLAMACTL_TEST_BROWSER_ACTION  approve (default) | deny | fail (exit 3 without doing anything)
//   LLAMACTL_TEST_BROWSER_EMAIL   who signs in (default alice@example.com)
//   LLAMACTL_TEST_BROWSER_LOG     file to append what happened to (optional)
import {appendFileSync} from 'node:fs'

const [url] = process.argv.slice(2)
const action = process.env.LLAMACTL_TEST_BROWSER_ACTION ?? 'approve'
const email = process.env.LLAMACTL_TEST_BROWSER_EMAIL ?? 'alice@example.com'
const log = (line) => {
  if (process.env.LLAMACTL_TEST_BROWSER_LOG) appendFileSync(process.env.LLAMACTL_TEST_BROWSER_LOG, `${line}\n`)
}

log(`opened ${url} (${process.argv.length - 2} argument(s))`)
if (action === 'fail') process.exit(3)
if (process.argv.length !== 3 || !url) {
  log('expected exactly one argument')
  process.exit(2)
}

const origin = new URL(url).origin
if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname)) {
  log(`refusing to leave loopback: ${url}`)
  process.exit(2)
}

/** name -> {value, path}; enough of a cookie jar for one host. */
const jar = new Map()
const cookieHeader = (path) =>
  [...jar.values()]
    .filter((c) => path.startsWith(c.path))
    .map((c) => `${c.name}=${c.value}`)
    .join('; ')

function remember(response) {
  for (const raw of response.headers.getSetCookie()) {
    const [pair, ...attrs] = raw.split(';').map((s) => s.trim())
    const eq = pair.indexOf('=')
    const name = pair.slice(0, eq)
    const value = pair.slice(eq + 1)
    const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) ?? '/'
    const gone = attrs.some((a) => /^max-age=0$/i.test(a) || (/^expires=/i.test(a) && Date.parse(a.slice(8)) < Date.now()))
    const key = `${name}@${path}`
    if (gone || value === '') jar.delete(key)
    else jar.set(key, {name, path, value})
  }
}

/** Requests a page and follows redirects (at most 10), carrying cookies like a browser. */
async function go(target, init = {}) {
  let next = new URL(target, origin)
  let options = init
  for (let hop = 0; hop < 10; hop++) {
    const response = await fetch(next, {
      ...options,
      headers: {...options.headers, cookie: cookieHeader(next.pathname)},
      redirect: 'manual',
      signal: AbortSignal.timeout(5000),
    })
    remember(response)
    log(`${options.method ?? 'GET'} ${next.pathname} -> ${response.status}`)
    if (response.status >= 300 && response.status < 400) {
      next = new URL(response.headers.get('location'), next)
      options = {}
      continue
    }

    return {html: await response.text(), url: next}
  }

  throw new Error('too many redirects')
}

const post = (action, fields) =>
  go(action, {body: new URLSearchParams(fields).toString(), headers: {'content-type': 'application/x-www-form-urlencoded'}, method: 'POST'})

function form(html, id) {
  const idPattern = id ? `[^>]*id="${id.replaceAll('.', '\\.')}"` : ''
  const match = new RegExp(`<form${idPattern}[^>]*>([\\s\\S]*?)</form>`).exec(html)
  if (!match) throw new Error(`no form ${id} on the page: ${html.slice(0, 300)}`)
  const action = /action="([^"]+)"/.exec(match[0])[1]
  const fields = {}
  for (const input of match[1].matchAll(/<input[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(input[0])?.[1]
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? ''
    if (name) fields[name] = value.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&amp;', '&')
  }

  return {action, fields}
}

/** Submits what a browser's script would submit on its own (the provider's auto-posting pages). */
async function settle(page) {
  for (let i = 0; i < 5 && page.html.includes('document.forms[0].submit()'); i++) {
    const auto = form(page.html)
    page = await post(auto.action, auto.fields)
  }

  return page
}

try {
  let page = await settle(await go(url))
  const confirm = form(page.html, 'op.deviceConfirmForm')
  page = await settle(await post(confirm.action, confirm.fields))
  const login = form(page.html, 'login')
  page = await settle(await post(login.action, {email, password: 'any'}))
  const consent = form(page.html, 'consent')
  page = await settle(await post(consent.action, {decision: action === 'deny' ? 'deny' : 'allow'}))
  const title = /<title>([^<]*)<\/title>/.exec(page.html)?.[1]
  log(`finished on "${title}"`)
  process.exit(title === 'Sign-in Success' || action === 'deny' ? 0 : 1)
} catch (error) {
  log(`failed: ${error.message}`)
  process.exit(1)
}
