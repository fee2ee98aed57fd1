"""ncclient against one netsim device of nso-sim: hello, get-config of running, and with --edit VALUE
an edit-config that sets eth2's description, read back with a subtree filter. Prints one line per
step; any failure raises and exits non-zero."""
import sys
import xml.etree.ElementTree as ET

from ncclient import manager

ROUTER = "http://example.com/router"
NS = {"r": ROUTER}
EDIT = """
<config xmlns="urn:ietf:params:xml:ns:netconf:base:1.0">
  <sys xmlns="{ns}"><interfaces><interface><name>eth2</name><description>{value}</description></interface></interfaces></sys>
</config>"""
INTERFACES = '<sys xmlns="{ns}"><interfaces/></sys>'.format(ns=ROUTER)


def interface(data, name):
    for entry in data.findall(".//r:sys/r:interfaces/r:interface", NS):
        if entry.findtext("r:name", namespaces=NS) == name:
            return entry
    raise AssertionError("no interface " + name)


port = int(sys.argv[1])
edit = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == "--edit" else None
with manager.connect(host="127.0.0.1", port=port, username="admin", password="admin",
                     hostkey_verify=False, look_for_keys=False, allow_agent=False, timeout=30) as m:
    print("hello", "base:1.1" if "urn:ietf:params:netconf:base:1.1" in m.server_capabilities else "base:1.0")

    # What the package's netsim/router.xml seeds on a device's first start.
    data = ET.fromstring(m.get_config(source="running").data_xml)
    eth0 = interface(data, "eth0")
    print("seeded eth0", eth0.findtext("r:description", namespaces=NS), eth0.findtext("r:address/r:ip", namespaces=NS),
          "dns", data.findtext(".//r:sys/r:dns/r:server/r:address", namespaces=NS),
          "ntp", data.findtext(".//r:sys/r:ntp/r:server/r:name", namespaces=NS))
    print("eth2", interface(data, "eth2").findtext("r:description", default="-", namespaces=NS))

    if edit is not None:
        m.edit_config(target="running", config=EDIT.format(ns=ROUTER, value=edit))
        back = ET.fromstring(m.get_config(source="running", filter=("subtree", INTERFACES)).data_xml)
        print("edited eth2", interface(back, "eth2").findtext("r:description", namespaces=NS))
