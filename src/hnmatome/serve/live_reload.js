/* hnmatome serve: live reload and the build error overlay (injected into served pages). */
(function(){
var live=HNMATOME_LIVE,shown=null,delay=500;
var ASSET=/\.(css|js|png|jpe?g|gif|webp|avif|svg|ico|woff2?)$/;  /* a page may use any of them */
function here(){
  try{return decodeURIComponent(location.pathname);}catch(e){return location.pathname;}
}
function overlay(p){
  hide();
  var box=document.createElement("div");box.id="hnmatome-overlay";
  box.setAttribute("role","alert");
  box.style.cssText="position:fixed;inset:0;z-index:2147483647;background:rgba(20,0,0,.92);"+
    "color:#fff;font:15px/1.6 ui-monospace,Menlo,Consolas,monospace;padding:2em;overflow:auto";
  var h=document.createElement("h2");h.textContent="ビルドエラー (build failed)";
  h.style.cssText="margin:0 0 1em;color:#ff8080;font-size:1.3em";
  var where=document.createElement("div");where.className="hnmatome-where";
  where.textContent=(p.path||"")+(p.line?":"+p.line:"");
  var msg=document.createElement("pre");msg.className="hnmatome-message";
  msg.style.cssText="white-space:pre-wrap;margin:1em 0";msg.textContent=p.message;
  box.appendChild(h);box.appendChild(where);box.appendChild(msg);
  if(p.hint){var hint=document.createElement("div");hint.textContent="hint: "+p.hint;box.appendChild(hint);}
  if(p.more){var more=document.createElement("div");more.textContent="… and "+p.more+" more";box.appendChild(more);}
  var note=document.createElement("p");note.style.opacity=".7";
  note.textContent="The last good version of the site is still served. Save a fix and this page reloads.";
  var close=document.createElement("button");close.type="button";close.textContent="×";
  close.setAttribute("aria-label","close");
  close.style.cssText="position:absolute;top:1em;right:1em;font-size:1.5em;background:none;color:#fff;border:0;cursor:pointer";
  close.onclick=hide;box.appendChild(note);box.appendChild(close);
  document.body.appendChild(box);shown=p;
}
function hide(){var old=document.getElementById("hnmatome-overlay");if(old)old.remove();shown=null;}
function mine(changed){
  var path=here();
  for(var i=0;i<changed.length;i++){
    var c=changed[i];
    if(c==="*"||c===path||c===path+"/"||ASSET.test(c))return true;
  }
  return false;
}
function answer(s){
  if(s.epoch<live.epoch){location.reload();return;}  /* a restarted server */
  if(s.epoch===live.epoch){poll();return;}
  if(s.problem){overlay(s.problem);}
  else if(shown||live.problem||mine(s.changed)){location.reload();return;}
  live=s;poll();
}
function poll(){
  fetch(document.getElementById("hnmatome-live").dataset.wait+"?epoch="+live.epoch,{cache:"no-store"})
    .then(function(r){if(!r.ok)throw r;return r.json();})
    .then(function(s){delay=500;answer(s);})
    .catch(function(){setTimeout(poll,delay);delay=Math.min(delay*2,5000);});
}
if(live.problem)overlay(live.problem);
poll();
})();
