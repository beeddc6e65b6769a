/**
 * Referrer host → human source name. Our own table (written for hitring, not copied from any list):
 * the search engines, social networks, AI assistants and communities that send most referral traffic.
 * @module
 */

/**
 * `[domain, name]`. A plain domain matches itself and every subdomain (`l.facebook.com` → Facebook).
 * `brand.*` matches `brand.` followed by a country-style suffix of one or two 2–3-letter labels
 * (`google.com`, `google.de`, `google.co.uk`, `google.com.br`) and their subdomains. The most specific
 * entry wins: `gemini.google.com` is Gemini, `news.google.com` is Google. Hosts are without `www.`.
 */
export const SOURCE_TABLE: ReadonlyArray<readonly [string, string]> = [
  // Search engines
  ['google.*', 'Google'],
  ['com.google.android.googlequicksearchbox', 'Google'], // Android app referrer (android-app://…)
  ['bing.com', 'Bing'],
  ['duckduckgo.com', 'DuckDuckGo'],
  ['yahoo.*', 'Yahoo'],
  ['yandex.*', 'Yandex'],
  ['ya.ru', 'Yandex'],
  ['baidu.com', 'Baidu'],
  ['ecosia.org', 'Ecosia'],
  ['search.brave.com', 'Brave Search'],
  ['startpage.com', 'Startpage'],
  ['qwant.com', 'Qwant'],
  ['kagi.com', 'Kagi'],
  ['naver.com', 'Naver'],
  ['seznam.cz', 'Seznam'],
  ['sogou.com', 'Sogou'],
  ['search.aol.com', 'AOL'],
  ['ask.com', 'Ask'],
  // AI assistants and answer engines
  ['chatgpt.com', 'ChatGPT'],
  ['chat.openai.com', 'ChatGPT'],
  ['perplexity.ai', 'Perplexity'],
  ['claude.ai', 'Claude'],
  ['gemini.google.com', 'Gemini'],
  ['copilot.microsoft.com', 'Copilot'],
  ['chat.deepseek.com', 'DeepSeek'],
  ['chat.mistral.ai', 'Mistral'],
  ['you.com', 'You.com'],
  ['phind.com', 'Phind'],
  ['poe.com', 'Poe'],
  // Social networks and messaging
  ['facebook.com', 'Facebook'],
  ['fb.com', 'Facebook'],
  ['fb.me', 'Facebook'],
  ['messenger.com', 'Messenger'],
  ['instagram.com', 'Instagram'],
  ['threads.net', 'Threads'],
  ['twitter.com', 'Twitter'],
  ['x.com', 'Twitter'],
  ['t.co', 'Twitter'],
  ['linkedin.com', 'LinkedIn'],
  ['lnkd.in', 'LinkedIn'],
  ['reddit.com', 'Reddit'],
  ['redd.it', 'Reddit'],
  ['pinterest.*', 'Pinterest'],
  ['pin.it', 'Pinterest'],
  ['tiktok.com', 'TikTok'],
  ['snapchat.com', 'Snapchat'],
  ['bsky.app', 'Bluesky'],
  ['mastodon.social', 'Mastodon'],
  ['tumblr.com', 'Tumblr'],
  ['vk.com', 'VK'],
  ['weibo.com', 'Weibo'],
  ['t.me', 'Telegram'],
  ['web.telegram.org', 'Telegram'],
  ['wa.me', 'WhatsApp'],
  ['web.whatsapp.com', 'WhatsApp'],
  ['discord.com', 'Discord'],
  ['discordapp.com', 'Discord'],
  ['slack.com', 'Slack'],
  ['com.slack', 'Slack'],
  // Video
  ['youtube.com', 'YouTube'],
  ['youtu.be', 'YouTube'],
  ['twitch.tv', 'Twitch'],
  ['vimeo.com', 'Vimeo'],
  // Communities, developer and publishing sites
  ['news.ycombinator.com', 'Hacker News'],
  ['github.com', 'GitHub'],
  ['gitlab.com', 'GitLab'],
  ['stackoverflow.com', 'Stack Overflow'],
  ['dev.to', 'DEV'],
  ['lobste.rs', 'Lobsters'],
  ['producthunt.com', 'Product Hunt'],
  ['medium.com', 'Medium'],
  ['substack.com', 'Substack'],
  ['quora.com', 'Quora'],
  ['wikipedia.org', 'Wikipedia'],
  // Web mail
  ['mail.google.com', 'Gmail'],
  ['com.google.android.gm', 'Gmail'],
  ['outlook.live.com', 'Outlook'],
  ['outlook.office.com', 'Outlook'],
  ['outlook.office365.com', 'Outlook'],
  ['mail.yahoo.com', 'Yahoo Mail'],
]

const EXACT = new Map<string, string>()
const BRANDS = new Map<string, string>()
for (const [domain, name] of SOURCE_TABLE) {
  if (domain.endsWith('.*')) BRANDS.set(domain.slice(0, -2), name)
  else EXACT.set(domain, name)
}

/** `com`, `de`, `co.uk`, `com.br`: one or two labels of 2–3 ASCII letters. */
const COUNTRY_SUFFIX = /^[a-z]{2,3}(?:\.[a-z]{2,3})?$/

/** Only the last this-many labels of a host are looked at (no table entry has more than four). */
const MAX_LABELS = 8

/**
 * The source name of a referrer host (lower-case, without `www.`), or `''` when the table has none.
 * Walks from the full host to its parent domains; at each level an exact entry, then a `brand.*` entry.
 */
export function sourceForHost(host: string): string {
  if (typeof host !== 'string' || host === '' || host.length > 253) return ''
  let h = host
  for (let i = h.length - 1, dots = 0; i >= 0; i--) {
    if (h.charCodeAt(i) === 46 && ++dots === MAX_LABELS) {
      h = h.slice(i + 1)
      break
    }
  }
  for (let i = 0; i < MAX_LABELS; i++) {
    const name = EXACT.get(h)
    if (name !== undefined) return name
    const dot = h.indexOf('.')
    if (dot < 0) return ''
    const brand = BRANDS.get(h.slice(0, dot))
    if (brand !== undefined && COUNTRY_SUFFIX.test(h.slice(dot + 1))) return brand
    h = h.slice(dot + 1)
  }
  return ''
}
