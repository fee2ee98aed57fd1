"""One ncclient session against nso-sim over NETCONF base 1.1: get, get-config, edit-config,
lock and unlock. Prints one line per step; any failure raises and exits non-zero."""
import sys

from ncclient import manager

CONFIG = """
<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <devices xmlns="http://tail-f.com/ns/ncs">
    <device><name>{name}</name><address>127.0.0.1</address><port>10022</port></device>
  </devices>
</config>"""

port, name = int(sys.argv[1]), sys.argv[2]
with manager.connect(host="127.0.0.1", port=port, username="admin", password="admin",
                     hostkey_verify=False, look_for_keys=False, allow_agent=False, timeout=30) as m:
    assert "urn:ietf:params:netconf:base:1.1" in m.server_capabilities, "no base:1.1"
    print("framing", "1.1" if ":base:1.1" in " ".join(m.server_capabilities) else "1.0")
    print("get", "ncs-state" in m.get().data_xml)
    with m.locked(target="running"):
        print("lock", True)
        m.edit_config(target="running", config=CONFIG.format(name=name))
        print("edit-config", True)
    print("unlock", True)
    running = m.get_config(source="running").data_xml
    print("get-config", name in running)
