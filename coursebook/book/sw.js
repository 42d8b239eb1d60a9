/* sw.js: the book offline, written at the site's root by coursebook/book/service_worker.py.
 *
 * - Pages: network first (a student online always gets the newest page), kept in the cache when
 *   they are student pages of this build; offline, the kept copy, or a note listing the pages
 *   that are kept. An instructor page (answers/, or a page marked as the instructor edition) is
 *   never kept.
 * - Everything else under the book's folder (CSS, scripts, fonts, figures, MathJax): cache first
 *   (their URLs change with their content), but data (.json) network first; only for the pages
 *   of this build, so an instructor edition published in a folder of this one is never kept.
 * - One cache per book and version, "coursebook:<scope>:<version>". A new version fetches fresh
 *   copies of what the old cache held, waits until the student accepts the update (the page says
 *   so, see _static/cb-offline.js), then deletes the old cache.
 * - The instructor edition's copy of this file removes the caches and unregisters itself. */
"use strict";
var BUILD = /*BUILD*/null;
var SCOPE = self.registration.scope, PREFIX = "coursebook:" + SCOPE + ":";
var CACHE = PREFIX + BUILD.version;
var INSTRUCTOR = 'name="coursebook-edition" content="instructor"';

function ours(name) { return name.indexOf(PREFIX) === 0; }

if (BUILD.edition === "instructor") {
  self.addEventListener("install", function () { self.skipWaiting(); });
  self.addEventListener("activate", function (event) {
    event.waitUntil(caches.keys().then(function (names) {
      return Promise.all(names.filter(ours).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.registration.unregister(); }));
  });
} else {
  self.addEventListener("install", function (event) { event.waitUntil(refreshFromOlder()); });
  self.addEventListener("activate", function (event) {
    event.waitUntil(caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return ours(n) && n !== CACHE; })
        .map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); }));
  });
  self.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data === "skip-waiting") self.skipWaiting();
    else if (Array.isArray(data.cache) && event.source && pageOf(event.source.url)) {
      event.waitUntil(keepAll(data.cache));
    }
  });
  self.addEventListener("fetch", function (event) {
    var request = event.request;
    if (request.method !== "GET" || request.url.indexOf(SCOPE) !== 0) return;
    if (request.mode === "navigate") event.respondWith(navigate(event));
    else if (asset(request.url)) {
      event.respondWith(forStudentPage(event).then(function (yes) {
        if (!yes) return fetch(request);
        var data = /\.json$/.test(request.url.split(/[?#]/)[0]);
        return data ? networkFirst(request) : cacheFirst(request);
      }));
    }
  });
}

/* Is the page asking a student page of this build? Not an instructor edition published in a
   folder of this one (its pages are not in BUILD.pages): its files are never kept. */
function forStudentPage(event) {
  if (!event.clientId) return Promise.resolve(true);
  return self.clients.get(event.clientId).then(function (client) {
    return !client || !!pageOf(client.url);
  });
}

/* "book/ch1.html" for a student page of this build (also reached as "book/ch1" or a folder),
   null for anything else. */
function pageOf(url) {
  if (url.indexOf(SCOPE) !== 0) return null;
  var path = url.slice(SCOPE.length).split(/[?#]/)[0];
  if (path === "" || path.slice(-1) === "/") path += "index.html";
  if (!/\.html$/.test(path)) path += ".html";
  return Object.prototype.hasOwnProperty.call(BUILD.pages, path) ? path : null;
}

function asset(url) {
  var path = url.slice(SCOPE.length).split(/[?#]/)[0];
  return path !== "sw.js" && !/\.html$/.test(path) && path.indexOf("answers/") !== 0;
}

function keepPage(cache, page, response) {
  if (!response.ok || response.type !== "basic") return Promise.resolve();
  return response.clone().text().then(function (text) {
    if (text.indexOf(INSTRUCTOR) < 0) return cache.put(SCOPE + page, response);
  });
}

function keep(cache, url, response) {
  var page = pageOf(url);
  if (page) return keepPage(cache, page, response);
  if (asset(url) && response.ok && response.type === "basic") return cache.put(url, response);
  return Promise.resolve();
}

/* What the page loaded before this worker was running (sent by cb-offline.js). */
function keepAll(urls) {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.filter(function (u) { return typeof u === "string" && u.indexOf(SCOPE) === 0; })
      .map(function (url) {
        var page = pageOf(url), key = page ? SCOPE + page : url;
        return cache.match(key).then(function (hit) {
          if (hit || (!page && !asset(url))) return;
          return fetch(url).then(function (r) { return keep(cache, url, r); }).catch(function () {});
        });
      }));
  });
}

/* A new version: fresh copies (past the HTTP cache) of everything the older caches held. */
function refreshFromOlder() {
  return caches.keys().then(function (names) {
    var older = names.filter(function (n) { return ours(n) && n !== CACHE; });
    return Promise.all(older.map(function (n) {
      return caches.open(n).then(function (c) { return c.keys(); });
    }));
  }).then(function (lists) {
    var urls = {};
    lists.forEach(function (list) { list.forEach(function (r) { urls[r.url] = true; }); });
    return caches.open(CACHE).then(function (cache) {
      var done = {};
      function get(url) {  // a page brings the files its new version names (a new ?v=, say)
        if (done[url]) return Promise.resolve();
        done[url] = true;
        return fetch(url, {cache: "reload"}).then(function (r) {
          if (!pageOf(url) || !r.ok) return keep(cache, url, r);
          return r.clone().text().then(function (text) {
            var more = text.indexOf(INSTRUCTOR) < 0 ? assetsOf(url, text) : [];
            return keep(cache, url, r).then(function () { return Promise.all(more.map(get)); });
          });
        }).catch(function () {});
      }
      return Promise.all(Object.keys(urls).map(get));
    });
  });
}

/* The scripts, stylesheets and images a page's HTML names, under this book's folder. */
function assetsOf(pageUrl, text) {
  var found = [], tag = /<(?:script|link|img|source)\b[^>]*?\s(?:src|href)="([^"]+)"/g, m, url;
  while ((m = tag.exec(text))) {
    try { url = new URL(m[1].replace(/&amp;/g, "&"), pageUrl).href.split("#")[0]; } catch (e) {
      continue;
    }
    if (url.indexOf(SCOPE) === 0 && !pageOf(url) && asset(url)) found.push(url);
  }
  return found;
}

function cacheFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, {ignoreVary: true}).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok && response.type === "basic") cache.put(request, response.clone());
        return response;
      });
    });
  });
}

/* Data read by a page's script (the Practice page's questions): its URL carries no version, so
   a page of a new deploy must not get the copy kept from the old one while online. */
function networkFirst(request) {
  return caches.open(CACHE).then(function (cache) {
    return fetch(request.url, {cache: "no-cache"}).then(function (response) {  // past HTTP cache
      if (response.ok && response.type === "basic") cache.put(request, response.clone());
      return response;
    }).catch(function () {
      return cache.match(request, {ignoreVary: true}).then(function (hit) {
        return hit || Promise.reject(new TypeError("offline, and " + request.url + " is not kept"));
      });
    });
  });
}

function navigate(event) {
  var request = event.request, page = pageOf(request.url);
  return fetch(request).then(function (response) {
    if (page) {
      var copy = response.clone();
      event.waitUntil(caches.open(CACHE).then(function (c) { return keepPage(c, page, copy); }));
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return (page ? cache.match(SCOPE + page) : Promise.resolve(null)).then(function (hit) {
        return hit || offlineNote(cache, page);
      });
    });
  });
}

function esc(s) {
  return String(s).replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
}

/* The page asked for is not kept here: say so, and link every page that is. */
function offlineNote(cache, page) {
  return cache.keys().then(function (requests) {
    var links = requests.map(function (r) { return pageOf(r.url); }).filter(Boolean).sort()
      .map(function (p) { return '<li><a href="' + esc(SCOPE + p) + '">' + esc(BUILD.pages[p]) + "</a></li>"; });
    var title = page ? "\u201c" + esc(BUILD.pages[page]) + "\u201d" : "This page";
    var body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">" +
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Offline</title>" +
      "<style>body{font:1.05rem/1.6 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem}" +
      "@media (prefers-color-scheme:dark){body{background:#14181e;color:#e6e6e6}a{color:#8ab4f8}}</style>" +
      "</head><body><main class=\"cb-offline-note\"><h1>You are offline</h1><p>" + title +
      " has not been opened on this device yet, so there is no copy of it to read offline.</p>" +
      (links.length ? "<p>Pages you can read offline:</p><ul>" + links.join("") + "</ul>"
        : "<p>No page of this book has been saved on this device yet.</p>") +
      "</main></body></html>";
    return new Response(body, {headers: {"Content-Type": "text/html; charset=utf-8"}});
  });
}
