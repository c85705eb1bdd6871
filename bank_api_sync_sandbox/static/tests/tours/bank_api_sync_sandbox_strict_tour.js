import { registry } from "@web/core/registry";

/**
 * A new connection to the Sandbox Bank in strict mode (mutual TLS, signed
 * requests, approval on the bank's page), with the clicks a real bank needs:
 * the API URL and client credentials, the QWAC and QSealC uploaded, the
 * bank's CA pasted, Connect, the bank's page (the person there approves),
 * and back in Odoo the connection connected with its accounts.
 *
 * What the person has at hand (the bank's URL, the files the sandbox made)
 * is in ``window.bankApiSyncStrictSandbox``, set by the test
 * (test_strict_mode.py) as the files on the person's disk.
 */
function given() {
    return window.bankApiSyncStrictSandbox;
}

async function typeIn(helpers, text) {
    await helpers.edit(text);
    await helpers.press("Tab");
}

function upload(fieldName, fileName) {
    return {
        content: `Upload ${fileName}`,
        trigger: `.o_field_widget[name=${fieldName}] input[type=file]:not(:visible)`,
        run() {
            const file = new File([given()[fileName]], fileName, {
                type: "application/x-pem-file",
            });
            const transfer = new DataTransfer();
            transfer.items.add(file);
            this.anchor.files = transfer.files;
            this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
        },
    };
}

registry.category("web_tour.tours").add("bank_api_sync_sandbox_strict_connect", {
    steps: () => [
        {
            content: "New bank connection",
            trigger: ".o_control_panel .o_list_button_add",
            run: "click",
        },
        {
            content: "Name it",
            trigger: ".o_form_view .o_field_widget[name=name] input",
            run: "edit Sandbox Bank strict mode",
        },
        {
            content: "The Sandbox Bank is the provider",
            trigger: ".o_form_view .o_field_widget[name=provider] select",
            run: 'select "sandbox"',
        },
        {
            content: "The provider's own page appears",
            trigger: ".o_notebook .nav-link[name=sandbox]",
        },
        {
            content: "Open the Credentials page",
            trigger: ".o_notebook .nav-link[name=credentials]",
            run: "click",
        },
        {
            content: "The bank's API URL (HTTPS)",
            trigger: ".o_field_widget[name=base_url] input",
            run: (helpers) => typeIn(helpers, given().url),
        },
        {
            content: "The client ID the bank gave",
            trigger: ".o_field_widget[name=client_id] input",
            run: (helpers) => typeIn(helpers, given().clientId),
        },
        {
            content: "And its secret",
            trigger: ".o_field_widget[name=client_secret] input",
            run: (helpers) => typeIn(helpers, given().clientSecret),
        },
        {
            content: "Open the Certificates page",
            trigger: ".o_notebook .nav-link[name=certificates]",
            run: "click",
        },
        upload("qwac_file", "qwac.pem"),
        {
            content: "The QWAC is taken",
            trigger: ".o_field_widget[name=qwac_file] .o_clear_file_button",
        },
        upload("qseal_file", "qseal.pem"),
        {
            content: "The QSealC is taken",
            trigger: ".o_field_widget[name=qseal_file] .o_clear_file_button",
        },
        {
            content: "Paste the bank's CA certificate",
            trigger: ".o_field_widget[name=bank_ca_certificates] textarea",
            run: (helpers) => typeIn(helpers, given()["ca.pem"]),
        },
        {
            content: "Back to the Credentials page",
            trigger: ".o_notebook .nav-link[name=credentials]",
            run: "click",
        },
        {
            content: "The API URL is still there",
            trigger: ".o_form_view .o_field_widget[name=base_url] input",
            run() {
                if (this.anchor.value !== given().url) {
                    throw new Error(`API URL before saving: ${this.anchor.value}`);
                }
            },
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "The API URL is saved",
            trigger: ".o_form_view .o_form_saved .o_field_widget[name=base_url] input",
            run() {
                if (this.anchor.value !== given().url) {
                    throw new Error(`API URL saved as ${this.anchor.value}`);
                }
            },
        },
        {
            content: "Open the Certificates page again",
            trigger: ".o_notebook .nav-link[name=certificates]",
            run: "click",
        },
        {
            content: "The certificates are stored, their subjects shown",
            trigger: ".o_form_view .o_form_saved .o_field_widget[name=qseal_subject]:contains(Sandbox TPP QSealC)",
        },
        {
            content: "Connect: the browser goes to the bank's consent page",
            trigger: ".o_form_view .o_form_statusbar button[name=action_connect]",
            run: "click",
        },
        {
            content: "Back from the bank: the connection is connected",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Connected)",
            timeout: 20000,
        },
        {
            content: "Open the Bank Accounts page",
            trigger: ".o_notebook .nav-link[name=accounts]",
            run: "click",
        },
        {
            content: "Its accounts are listed",
            trigger: ".o_form_view .o_field_widget[name=account_ids] .o_data_row:contains(Rachunek bieżący)",
        },
    ],
});
