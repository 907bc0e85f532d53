#!/usr/bin/env bash
# docker-compose.yml's one-shot wan-certs: the WAN's certificates and secrets for a compose stack, made with the JDK's
# keytool as the launcher's WanCertificates makes them for bin/relay up. Run once: an existing wan.properties is kept
# (a restart must not replace the brokers' keys under their clients). Arguments: the brokers' host names.
#   ca.p12 (the CA's key) and truststore.p12 (its certificate)
#   <host>.p12: the host's key pair, signed by the CA for <host>, localhost and 127.0.0.1
#   wan.properties: store.password (every store), mirror.user and mirror.password (MirrorMaker 2's SCRAM credential)
# Nothing here is printed: the passwords go to files of mode 600 only.
set -euo pipefail
umask 077
dir="${WAN_DIR:-/etc/relay/wan}"
if [[ -f "$dir/wan.properties" ]]; then
    echo "wan-certs: $dir/wan.properties exists, keeping the certificates"
    exit 0
fi
mkdir -p "$dir"
chmod 755 "$dir"
random() { head -c 24 /dev/urandom | base64 | tr -d '/+='; }
store_password="$(random)"
export STORE_PASSWORD="$store_password"
keytool() { command keytool -storepass:env STORE_PASSWORD -keypass:env STORE_PASSWORD "$@"; }
keytool -genkeypair -keystore "$dir/ca.p12" -storetype PKCS12 -alias ca -dname "CN=ops-db-relay WAN CA" \
    -keyalg RSA -keysize 2048 -validity 3650 -ext bc:c
keytool -exportcert -keystore "$dir/ca.p12" -alias ca -rfc -file "$dir/ca.pem"
keytool -importcert -keystore "$dir/truststore.p12" -storetype PKCS12 -alias ca -file "$dir/ca.pem" -noprompt
for host in "$@"; do
    keytool -genkeypair -keystore "$dir/$host.p12" -storetype PKCS12 -alias "$host" -dname "CN=$host" \
        -keyalg RSA -keysize 2048 -validity 3650
    keytool -certreq -keystore "$dir/$host.p12" -alias "$host" -file "$dir/$host.csr"
    keytool -gencert -keystore "$dir/ca.p12" -alias ca -infile "$dir/$host.csr" -outfile "$dir/$host.crt" -rfc \
        -validity 3650 -ext "san=dns:$host,dns:localhost,ip:127.0.0.1" -ext ku:c=digitalSignature,keyEncipherment
    keytool -importcert -keystore "$dir/$host.p12" -alias ca -file "$dir/ca.pem" -noprompt
    keytool -importcert -keystore "$dir/$host.p12" -alias "$host" -file "$dir/$host.crt" -noprompt
    rm -f "$dir/$host.csr"
done
{
    echo "store.password=$store_password"
    echo "mirror.user=mirror"
    echo "mirror.password=$(random)"
} > "$dir/wan.properties.next"
# The brokers and MirrorMaker 2 (user appuser in apache/kafka) read their stores and the file; the CA's key stays
# readable to root only.
chmod 644 "$dir/truststore.p12" "$dir/ca.pem" "$dir/wan.properties.next"
for host in "$@"; do chmod 644 "$dir/$host.p12" "$dir/$host.crt"; done
mv "$dir/wan.properties.next" "$dir/wan.properties"
echo "wan-certs: made the CA and the keys of $*"
