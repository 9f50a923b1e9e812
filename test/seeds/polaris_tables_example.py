# The Python example of the Imply Polaris seed (shared/seeds/000_d19a25aecc5398fc.txt,
# "API request example"), unchanged except for its credential values and its two endpoint URLs:
# tokens from a local Gatehouse, tables from the example resource server (a separate process,
# examples/resource-server). test/resource-server.e2e-spec.ts fills in the __PLACEHOLDERS__.
import requests
import json

# Replace placeholders with your information
ORGANIZATION_NAME = "__ORGANIZATION_NAME__"
REGION = "us-east-1"
CLOUD_PROVIDER = "aws"
PROJECT_ID = "__PROJECT_ID__"

CLIENT_ID = "__CLIENT_ID__"
CLIENT_SECRET = "__CLIENT_SECRET__"

# Endpoint to obtain OAuth access tokens
TOKEN_ENDPOINT = "__GATEHOUSE_URL__/auth/realms/{org_name}/protocol/openid-connect/token".format(org_name=ORGANIZATION_NAME)

access_token = None

# Tables endpoint
TABLES_ENDPOINT = "__TABLES_API_URL__/v1/projects/{project_id}/tables".format(org_name=ORGANIZATION_NAME, region=REGION, cloud_provider=CLOUD_PROVIDER, project_id=PROJECT_ID)

# Obtain OAuth access token
def obtain_token():
    global access_token
    params = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "grant_type": "client_credentials",
        "scope": "project-{project_id}".format(project_id=PROJECT_ID)
    }

    response = requests.post(TOKEN_ENDPOINT, data=params)
    response.raise_for_status()

    access_token = response.json()['access_token']

    return access_token

# Call the Tables API to return all tables for the specified project
def make_get(url):
    def do_get():
        headers = {
            "Authorization": "Bearer {token}".format(token=access_token),
            "Content-Type": "application/x-www-form-urlencoded"
        }
        return requests.get(url, headers=headers)

    response = do_get()

    # If the access token expired, refresh it and try the request again
    while response.status_code == 401:
        print("Refreshing token")
        obtain_token()
        response = do_get()

    # Raise an exception on response errors at this point
    response.raise_for_status()

    return print (json.dumps(response.json(), indent=4, sort_keys=True))

make_get(TABLES_ENDPOINT)
