-- Test-only Prosody module: outgoing s2s connections to the domains listed in
-- e2e_s2s_routes = { ["domain"] = { "127.0.0.1", port } } go to that address instead of
-- the DNS SRV/A lookup, so federation tests never touch DNS and can use free ports.
-- mod_s2s looks up service.new at call time, so replacing the field takes effect.
local service = require "net.resolvers.service";
local manual = require "net.resolvers.manual";

local routes = module:get_option("e2e_s2s_routes", {});
local original_new = service.new;

service.new = function (hostname, service_name, proto, extra)
	local route = routes[hostname];
	if route then
		if service_name == "xmpp-server" then
			module:log("debug", "static s2s route for %s: %s port %d", hostname, route[1], route[2]);
			return manual.new({ { "tcp4", route[1], route[2], extra } }, "tcp", extra);
		end
		return manual.new({}, "tcp", extra); -- no direct-TLS (xmpps-server) target
	end
	return original_new(hostname, service_name, proto, extra);
end

function module.unload()
	service.new = original_new;
end
